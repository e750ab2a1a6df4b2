import AggregatorCore

/// Runs a ``VMOperationPlan``'s steps in order, the same way for every kind: the kind supplies how
/// to read the VM's status and how to make each call (and wait for what it leads to).
///
/// - A step an earlier run of the job finished (``JobContext/recordedSteps``) is not run again.
/// - Before each call the VM is read: a VM already in the state the call leads to (down for a
///   stop, gone for a delete) gets the step recorded skipped with the reason (`already down`).
/// - Every step's record carries `vm_id`, so the live model re-reads the VM (and drops a deleted one).
public struct VMOperationRun {
    /// The state each operation leads to, as the common model names it; nil for reboot (it passes
    /// through other states back to `up`, so it is never already done).
    public static func target(of operation: VMOperation) -> String? {
        switch operation {
        case .start: "up"
        case .stop, .shutdown: "down"
        case .suspend: "suspended"
        case .reboot: nil
        case .delete: "gone"
        }
    }

    /// The plan being run.
    public let payload: VMOperationPlan
    /// The record of the run: steps reported to the job, ids collected for its result.
    public let execution: PlanExecution

    /// A run of `payload` recorded in `execution`.
    public init(payload: VMOperationPlan, execution: PlanExecution) {
        self.payload = payload
        self.execution = execution
    }

    /// Runs every step.
    /// - Parameters:
    ///   - resume: Called before a step an earlier run of the job left unfinished (with its record),
    ///     to let what it started finish (a Proxmox VE task) before the VM is read.
    ///   - status: The VM's common status now; nil when the engine has no such VM.
    ///   - perform: Makes the step's call and waits until the engine has done it; returns the
    ///     step's detail and the engine ids to record with it (a task id).
    /// - Returns: The job's result: `vm_id` and a summary.
    /// - Throws: ``BackendError`` (the step is recorded failed), or `CancellationError`.
    public func run(
        resume: (VMOperationPlan.Step, JobStep) async throws -> Void = { _, _ in },
        status: () async throws -> String?,
        perform: (VMOperationPlan.Step) async throws -> (detail: String, ids: [String: String])
    ) async throws -> ProvisioningResult {
        execution.logStarted()
        let vmIDs = ["vm_id": payload.vmID]
        for step in payload.steps {
            try Task.checkCancellation()
            if execution.doneBefore(step.name, restore: { _ in () }) != nil {
                execution.engineIDs.merge(vmIDs) { $1 }
                continue
            }
            if let unfinished = execution.unfinishedStep(step.name) {
                try await resume(step, unfinished)
            }
            if let target = Self.target(of: step.operation) {
                let current = try await status()
                let reached = step.operation == .delete ? current == nil : current == target
                if reached {
                    await execution.skip(step.name, reason: "already \(target)", ids: vmIDs)
                    continue
                }
                if current == nil {
                    throw await gone(step)
                }
            }
            try await execution.step(step.name) {
                let (detail, ids) = try await perform(step)
                return (value: (), detail: detail, ids: ids.merging(vmIDs) { $1 })
            }
        }
        return execution.finished(summary: summary)
    }

    /// Records a power step failed because the VM was deleted meanwhile.
    private func gone(_ step: VMOperationPlan.Step) async -> BackendError {
        let error = BackendError(.notFound, engine: execution.engine,
                                 message: "VM \(payload.vmName) (\(payload.vmID)) is no longer on the engine")
        await execution.recorder.stepStarted(step.name, description: execution.description(of: step.name))
        await execution.recorder.stepFailed(step.name, error: error)
        execution.logStepFailed(step.name, error)
        return error
    }

    private var summary: String {
        let name = "VM \(payload.vmName) (\(payload.vmID))"
        switch payload.vmOperation {
        case .start, .reboot: return "\(name) is up"
        case .stop, .shutdown: return "\(name) is down"
        case .suspend: return "\(name) is suspended"
        case .delete:
            let disks = payload.diskCount == 1 ? "its 1 disk" : "its \(payload.diskCount) disks"
            return "\(name) deleted with \(disks)"
        }
    }
}
