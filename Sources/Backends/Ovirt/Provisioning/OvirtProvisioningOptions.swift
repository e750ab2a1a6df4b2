import AggregatorCore
import BackendSupport

/// How the backend waits for the engine while creating VLANs and VMs, from the engine entry's
/// `options:` mapping:
///
/// ```yaml
/// options:
///   poll_interval: 2s
///   create_timeout: 10m
///   start_timeout: 10m
///   host_parallelism: 3
///   lock_retries: 5
/// ```
struct OvirtProvisioningOptions: Sendable, Hashable {
    /// Pause between two status reads while waiting. Defaults to 2 seconds.
    var pollInterval: Duration = .seconds(2)
    /// How long a new VM may stay `image_locked` and its disks `locked`. Defaults to 600 seconds.
    var createTimeout: Duration = .seconds(600)
    /// How long a started VM may take to reach `up`. Defaults to 600 seconds.
    var startTimeout: Duration = .seconds(600)
    /// Hosts whose networks are set up at the same time. Defaults to 3.
    var hostParallelism = 3
    /// How often a write refused with 409 because an object is locked is tried again,
    /// `pollInterval` apart. Defaults to 5.
    var lockRetries = 5

    init() {}

    /// Reads the `options:` mapping; nil gives the defaults.
    /// - Throws: ``ConfigurationError`` at the offending key for unknown keys and bad values.
    init(options: YAMLNode?, engine: String) throws {
        let reader = EngineOptionsReader(
            engine: engine, kindPhrase: "an ovirt engine",
            keys: ["poll_interval", "create_timeout", "start_timeout", "host_parallelism", "lock_retries"],
            namesEngineInValueErrors: false)
        try reader.read(options) { option in
            switch option.key {
            case "poll_interval": pollInterval = try option.duration()
            case "create_timeout": createTimeout = try option.duration()
            case "start_timeout": startTimeout = try option.duration()
            case "host_parallelism": hostParallelism = try option.count(1...32)
            case "lock_retries": lockRetries = try option.count(0...100)
            default: throw option.unknown()
            }
        }
    }
}
