import AggregatorCore
import BackendSupport

/// Follows Proxmox VE tasks (UPIDs) to their end, for a job's steps (creates and VM operations).
struct ProxmoxTaskFollower: Sendable {
    let session: ProxmoxSession
    let options: ProxmoxOptions

    var engine: String { session.engine }

    /// The node a task runs on: the second field of its id, `UPID:pve1:…`.
    static func node(ofTask upid: String) -> String? {
        let parts = upid.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count > 2, parts[0] == "UPID", !parts[1].isEmpty else { return nil }
        return String(parts[1])
    }

    /// Reads `GET /nodes/{node}/tasks/{upid}/status` every `task_poll_interval` until the task has
    /// stopped. `OK` (and `WARNINGS: n`, which Proxmox shows as a warning, not an error) is success.
    /// - Returns: The exit status.
    /// - Throws: ``BackendError`` carrying the exit status when the task failed, or `.timeout` after
    ///   `task_timeout`.
    @discardableResult
    func waitForTask(_ upid: String, what: String) async throws -> String {
        guard let node = Self.node(ofTask: upid) else {
            throw BackendError(.invalidResponse, engine: engine, message: "\(what): '\(upid)' is not a task id (UPID)")
        }
        let path = "nodes/\(FormEncoding.pathSegment(node))/tasks/\(FormEncoding.pathSegment(upid))/status"
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.taskTimeout)
        while true {
            let status = try await session.get(ProxmoxTaskStatus.self, path: path, expected: "a JSON task status")
            if status.status == "stopped" {
                let exit = status.exitstatus ?? "unknown"
                if exit == "OK" || exit.hasPrefix("WARNINGS") { return exit }
                throw BackendError(.invalidResponse, engine: engine,
                                   message: "\(what): task \(upid) failed: \(exit)")
            }
            guard clock.now < deadline else {
                throw BackendError(.timeout, engine: engine,
                                   message: "\(what): task \(upid) did not finish within "
                                       + "\(options.taskTimeout.milliseconds / 1000) s (task_timeout); "
                                       + "it is still \(status.status ?? "running") on the engine")
            }
            try await Task.sleep(for: options.taskPollInterval)
        }
    }
}
