import AggregatorCore
import BackendSupport
import Logging

extension ProxmoxRun {
    /// The node a task runs on: the second field of its id, `UPID:pve1:…`.
    static func node(ofTask upid: String) -> String? { ProxmoxTaskFollower.node(ofTask: upid) }

    /// Follows task `upid` to its end (``ProxmoxTaskFollower/waitForTask(_:what:)``).
    @discardableResult
    func waitForTask(_ upid: String, what: String) async throws -> String {
        try await ProxmoxTaskFollower(session: session, options: options).waitForTask(upid, what: what)
    }

    /// Follows to its end the task that a run stopped during `step` had started (the `upid` on the
    /// step's record), so the step then looks at the engine as the task left it. A task that failed
    /// is logged and the step runs again as usual.
    func finishRecordedTask(of step: ProxmoxPlan.Step) async throws {
        guard let upid = execution.unfinishedStep(step.name)?.engineIDs["upid"] else { return }
        do {
            try await waitForTask(upid, what: step.name)
        } catch let error as BackendError where error.code == .invalidResponse {
            job.logger.info("Task of a stopped run failed; the step runs again", metadata: metadata.merging([
                "job.step": "\(step.name)", "error.message": "\(error.message)",
            ]) { $1 })
        }
    }

    /// The VM's configuration now.
    func config(_ vmid: Int) async throws -> ProxmoxVMConfig {
        try await session.get(ProxmoxVMConfig.self, path: "\(vmPath(vmid))/config", expected: "a JSON VM configuration")
    }

    /// The VM's run state now.
    func currentStatus(_ vmid: Int) async throws -> ProxmoxVMStatus {
        try await session.get(ProxmoxVMStatus.self, path: "\(vmPath(vmid))/status/current", expected: "a JSON VM status")
    }

    /// Reads the cluster's guests every `task_poll_interval` until VM `vmid` is on the plan's node
    /// without a lock (a clone whose task id is not on record is done), at most `task_timeout`.
    func waitForClone(_ vmid: Int) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.taskTimeout)
        while true {
            let guests = try await session.get([ProxmoxResource].self, path: "cluster/resources", query: [("type", "vm")],
                                               expected: "a JSON resource list")
            guard let vm = guests.first(where: { $0.vmidValue == vmid }) else {
                throw BackendError(.invalidResponse, engine: engine,
                                   message: "VM \(payload.name) (vmid \(vmid)) vanished while it was cloned; "
                                       + "the clone failed (see the node's task log)")
            }
            if vm.node == payload.node, vm.lock == nil { return }
            guard clock.now < deadline else {
                throw BackendError(.timeout, engine: engine,
                                   message: "VM \(payload.name) (vmid \(vmid)) did not finish cloning within "
                                       + "\(options.taskTimeout.milliseconds / 1000) s (task_timeout); it is locked "
                                       + "(\(vm.lock ?? "none")) on node \(vm.node ?? "?")")
            }
            try await Task.sleep(for: options.taskPollInterval)
        }
    }

    /// Reads the VM's status every `task_poll_interval` until `done` holds, at most `task_timeout`.
    func waitForStatus(_ vmid: Int, what: String, until done: (ProxmoxVMStatus) -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.taskTimeout)
        while true {
            let status = try await currentStatus(vmid)
            if done(status) { return }
            guard clock.now < deadline else {
                let state = ProxmoxMapping.vmStatus(status: status.status, lock: status.lock, qmpStatus: status.qmpstatus)
                throw BackendError(.timeout, engine: engine,
                                   message: "VM \(payload.name) (vmid \(vmid)) did not \(what) within "
                                       + "\(options.taskTimeout.milliseconds / 1000) s (task_timeout); it is \(state.raw)")
            }
            try await Task.sleep(for: options.taskPollInterval)
        }
    }

    /// Runs a write that may start a task, puts the task's id on record for `step`, then follows
    /// the task. Returns the task id, if one was started.
    func writeAndWait(_ method: String, path: String, form: [(name: String, value: String)],
                      step: ProxmoxPlan.Step) async throws -> String? {
        let upid = try await session.write(method, path: path, form: form)
        guard let upid, upid.hasPrefix("UPID:") else { return nil }
        await recorder.stepReportedIDs(step.name, engineIDs: ["upid": upid])
        try await waitForTask(upid, what: step.name)
        return upid
    }
}
