import AggregatorCore

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
        guard let options, !options.isNull else { return }
        guard case .mapping(let pairs) = options.content else {
            throw ConfigurationError(location: options.location, keyPath: "options",
                                     message: "engine '\(engine)': options must be a mapping")
        }
        for pair in pairs {
            let key = pair.key.scalar ?? ""
            let value = pair.value
            func duration() throws -> Duration {
                guard let text = value.scalar, let parsed = ConfigDuration.parse(text) else {
                    throw ConfigurationError(location: value.location, keyPath: "options.\(key)",
                                             message: "must be a positive duration such as 2s, 500ms or 10m",
                                             fix: "write e.g. \(key): 2s")
                }
                return parsed
            }
            func count(_ range: ClosedRange<Int>) throws -> Int {
                guard let text = value.scalar, let number = Int(text), range.contains(number) else {
                    throw ConfigurationError(location: value.location, keyPath: "options.\(key)",
                                             message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
                return number
            }
            switch key {
            case "poll_interval": pollInterval = try duration()
            case "create_timeout": createTimeout = try duration()
            case "start_timeout": startTimeout = try duration()
            case "host_parallelism": hostParallelism = try count(1...32)
            case "lock_retries": lockRetries = try count(0...100)
            default:
                throw ConfigurationError(
                    location: pair.key.location, keyPath: "options.\(key)",
                    message: "unknown option '\(key)' for an ovirt engine",
                    fix: "use poll_interval, create_timeout, start_timeout, host_parallelism or lock_retries")
            }
        }
    }
}
