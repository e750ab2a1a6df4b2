import AggregatorCore
import BackendSupport

/// The engine calls of one VM operation's steps: `POST /vms/{id}/{action}` with an empty action
/// body, or `DELETE /vms/{id}`, then the wait for the status the call leads to.
struct OvirtOperation: Sendable {
    let calls: OvirtJobCalls
    let payload: VMOperationPlan

    var engine: String { calls.engine }
    var options: OvirtProvisioningOptions { calls.options }
    var path: String { "vms/" + FormEncoding.pathSegment(payload.vmID) }
    var what: String { "VM \(payload.vmName)" }

    /// The VM's status now; nil when the engine has no such VM.
    func status() async throws -> String? {
        do {
            return OvirtMapping.status(try await calls.get(OvirtJobCalls.StatusOnly.self, path, expected: "a JSON vm").status)
        } catch let error as BackendError where error.code == .notFound {
            return nil
        }
    }

    /// Statuses of a VM on its way to what `operation` leads to: the call is not made again (a run
    /// taken over after it made it, or someone else's), only waited for.
    static func underWay(_ operation: VMOperation) -> Set<String> {
        switch operation {
        case .start: ["wait_for_launch", "powering_up", "restoring_state"]
        case .shutdown: ["powering_down"]
        case .reboot: ["reboot_in_progress"]
        case .suspend: ["saving_state"]
        case .stop, .delete: []
        }
    }

    /// Makes the call of `operation` and waits until the engine has done it.
    func perform(_ operation: VMOperation) async throws -> (detail: String, ids: [String: String]) {
        let underWay = Self.underWay(operation)
        let current = underWay.isEmpty ? nil : try await status()
        func action(_ verb: String) async throws {
            if let current, underWay.contains(current) { return }
            try await self.action(verb)
        }
        switch operation {
        case .start:
            try await action("start")
            try await wait(for: "up", timeout: options.startTimeout, option: "start_timeout") { status, seen in
                status == "down" && seen.contains { $0 != "down" } ? "it went back to down while starting (see the engine's events)" : nil
            }
            return ("\(payload.vmName) is up", [:])
        case .stop:
            try await stop()
            return ("\(payload.vmName) is down", [:])
        case .shutdown:
            try await action("shutdown")
            let timeout = Duration.seconds(payload.shutdownTimeoutSeconds)
            do {
                try await wait(for: "down", timeout: timeout, option: "the shutdown timeout") { _, _ in nil }
                return ("\(payload.vmName) shut down; it is down", [:])
            } catch let error as BackendError where error.code == .timeout {
                guard payload.force else {
                    throw BackendError(.timeout, engine: engine, message:
                        "\(what) did not shut down within \(payload.shutdownTimeoutSeconds) s (the shutdown timeout); "
                        + "it was left running. Pass force=true to power it off after the timeout")
                }
                try await stop()
                return ("\(payload.vmName) did not shut down within \(payload.shutdownTimeoutSeconds) s; powered off (force)", [:])
            }
        case .reboot:
            try await action("reboot")
            try await wait(for: "up", timeout: options.startTimeout, option: "start_timeout") { status, _ in
                status == "down" ? "it went down instead of restarting (see the engine's events)" : nil
            }
            return ("\(payload.vmName) restarted; it is up", [:])
        case .suspend:
            try await action("suspend")
            try await wait(for: "suspended", timeout: options.startTimeout, option: "start_timeout") { status, seen in
                status == "up" && seen.contains("saving_state") ? "it went back to up while saving its state" : nil
            }
            return ("\(payload.vmName) is suspended", [:])
        case .delete:
            try await delete()
            let disks = payload.diskCount == 1 ? "its 1 disk" : "its \(payload.diskCount) disks"
            return ("\(payload.vmName) removed with \(disks)", [:])
        }
    }

    private func stop() async throws {
        try await action("stop")
        try await wait(for: "down", timeout: options.startTimeout, option: "start_timeout") { _, _ in nil }
    }

    /// `POST /vms/{id}/{verb}` with `{}`; the engine's refusals as clear errors.
    private func action(_ verb: String) async throws {
        do {
            _ = try await calls.write(OvirtAction.self, "POST", "\(path)/\(verb)", body: .object([:]), expected: "a JSON action")
        } catch let error as BackendError {
            throw clarified(error, verb)
        }
    }

    /// `DELETE /vms/{id}`, then `GET /vms/{id}` every `poll_interval` until it answers 404.
    private func delete() async throws {
        do {
            _ = try await calls.write(OvirtAction.self, "DELETE", path, body: nil, expected: "a JSON action")
        } catch let error as BackendError where error.code == .notFound {
            return
        } catch let error as BackendError {
            throw clarified(error, "remove")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.startTimeout)
        while let status = try await status() {
            guard clock.now < deadline else {
                throw BackendError(.timeout, engine: engine, message:
                    "\(what) was still on the engine \(options.startTimeout.milliseconds / 1000) s after its delete "
                    + "(start_timeout); it is \(status)")
            }
            try await Task.sleep(for: options.pollInterval)
        }
    }

    private func wait(for target: String, timeout: Duration, option: String,
                      failure: (String, [String]) -> String?) async throws {
        try await calls.waitForStatus(what, path: path, expected: "a JSON vm", target: target, timeout: timeout,
                                      option: option, failure: failure)
    }

    /// The engine's fault, said plainly: a locked VM, a VM in the wrong state, delete protection.
    func clarified(_ error: BackendError, _ verb: String) -> BackendError {
        let text = error.message.lowercased()
        let message: String
        if text.contains("delete protection") {
            message = "\(what) is protected from deletion (delete_protected); turn it off on the engine to delete it"
        } else if text.contains("locked") || text.contains("in progress") {
            message = "\(what) is locked on the engine (an operation on it or its disks is under way); try again later"
        } else if text.contains("vm is running") || text.contains("not down") {
            message = "\(what) is running, so the engine refused to \(verb) it"
        } else if text.contains("not running") || text.contains("not up") {
            message = "\(what) is not running, so the engine refused to \(verb) it"
        } else {
            return error
        }
        return BackendError(error.code, engine: engine, message: "\(message) (the engine said: \(error.message))",
                            httpStatus: error.httpStatus)
    }
}
