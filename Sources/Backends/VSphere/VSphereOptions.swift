import AggregatorCore
import BackendSupport

/// Settings of a vSphere engine from its entry's `options:` mapping:
///
/// ```yaml
/// options:
///   task_poll_interval: 500ms
///   task_timeout: 30m
/// ```
struct VSphereOptions: Sendable, Hashable {
    /// Pause between two reads of a task's `info`. Defaults to 500 milliseconds.
    var taskPollInterval: Duration = .milliseconds(500)
    /// How long one task (a clone, a reconfiguration, a power operation) may run. Defaults to 30 minutes.
    var taskTimeout: Duration = .seconds(1800)

    init() {}

    /// Reads the `options:` mapping; nil gives the defaults.
    /// - Throws: ``ConfigurationError`` at the offending key for unknown keys and bad values.
    init(options: YAMLNode?, engine: String) throws {
        let reader = EngineOptionsReader(engine: engine, kindPhrase: "a vsphere engine",
                                         keys: ["task_poll_interval", "task_timeout"])
        try reader.read(options) { option in
            switch option.key {
            case "task_poll_interval": taskPollInterval = try option.duration()
            case "task_timeout": taskTimeout = try option.duration()
            default: throw option.unknown()
            }
        }
    }
}
