import AggregatorCore
import BackendSupport

/// Settings of a Proxmox VE engine from its entry's `options:` mapping:
///
/// ```yaml
/// options:
///   task_poll_interval: 1s
///   task_timeout: 15m
///   agent_timeout: 3s
///   agent_concurrency: 8
///   agent_retry_after: 5m
///   nextid_retries: 3
/// ```
struct ProxmoxOptions: Sendable, Hashable {
    /// Pause between two reads of a task's status (and of a starting VM's status). Defaults to 1 second.
    var taskPollInterval: Duration = .seconds(1)
    /// How long one task (a clone, a disk allocation, a start) may run, and how long a started VM
    /// may take to report `running`. Defaults to 15 minutes.
    var taskTimeout: Duration = .seconds(900)
    /// How long a listing waits for one VM's guest agent before leaving its IP addresses empty.
    /// Defaults to 3 seconds.
    var agentTimeout: Duration = .seconds(3)
    /// Guest agent calls in flight at once during a listing; 0 reads no IP addresses. Defaults to 8.
    var agentConcurrency = 8
    /// How long a VM whose guest agent did not answer is left out of the agent calls of later
    /// listings (its addresses stay empty meanwhile). Defaults to 5 minutes.
    var agentRetryAfter: Duration = .seconds(300)
    /// How often a clone is tried again with a fresh id when the id `/cluster/nextid` gave was taken
    /// meanwhile. Defaults to 3.
    var nextIDRetries = 3

    init() {}

    /// Reads the `options:` mapping; nil gives the defaults.
    /// - Throws: ``ConfigurationError`` at the offending key for unknown keys and bad values.
    init(options: YAMLNode?, engine: String) throws {
        let reader = EngineOptionsReader(
            engine: engine, kindPhrase: "a proxmox engine",
            keys: ["task_poll_interval", "task_timeout", "agent_timeout", "agent_concurrency", "agent_retry_after",
                   "nextid_retries"])
        try reader.read(options) { option in
            switch option.key {
            case "task_poll_interval": taskPollInterval = try option.duration()
            case "task_timeout": taskTimeout = try option.duration()
            case "agent_timeout": agentTimeout = try option.duration()
            case "agent_concurrency": agentConcurrency = try option.count(0...64)
            case "agent_retry_after": agentRetryAfter = try option.duration()
            case "nextid_retries": nextIDRetries = try option.count(0...20)
            default: throw option.unknown()
            }
        }
    }
}
