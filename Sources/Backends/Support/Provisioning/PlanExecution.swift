import AggregatorCore
import Logging

/// The record of one plan's execution: every step reported to the job's recorder, the engine ids
/// the steps produced collected for the job's result, and the log lines of the run.
///
/// A kind's run owns one and wraps each engine step in ``step(_:_:)``:
///
/// ```swift
/// let vmid = try await execution.step("clone") {
///     let id = try await clone()
///     return (value: id, detail: "vmid \(id)", ids: ["vm_id": "\(id)"])
/// }
/// ```
///
/// - Important: Used from the job's task only (it is not `Sendable`); steps that run in child
///   tasks report through the job's task.
public final class PlanExecution {
    /// The engine's name, which every error of the run carries.
    public let engine: String
    /// The plan as operators read it: the step descriptions come from here.
    public let plan: ProvisioningPlan
    /// The job: its recorder, logger and ids.
    public let job: JobContext
    /// The run's log metadata: `backend.name`, `job.id` and what the kind adds.
    public let metadata: Logger.Metadata
    /// The engine ids for the job's result (`vm_id`, `network_id`), collected from the steps.
    public var engineIDs: [String: String] = [:]
    /// Ids recorded with their step but left out of the job's result (a task id, `upid`).
    private let stepOnlyIDs: Set<String>

    /// - Parameters:
    ///   - engine: The engine's name.
    ///   - plan: The plan as operators read it.
    ///   - job: The job running the plan.
    ///   - metadata: Log metadata the kind adds to `backend.name` and `job.id`.
    ///   - stepOnlyIDs: Ids recorded with their step but left out of the job's result.
    public init(engine: String, plan: ProvisioningPlan, job: JobContext, metadata: Logger.Metadata = [:],
                stepOnlyIDs: Set<String> = []) {
        self.engine = engine
        self.plan = plan
        self.job = job
        self.metadata = metadata.merging(["backend.name": "\(engine)", "job.id": "\(job.jobID)"]) { $1 }
        self.stepOnlyIDs = stepOnlyIDs
    }

    /// The job's recorder.
    public var recorder: any JobRecorder { job.recorder }

    /// The plan's description of the step named `name`, or the name when the plan has none.
    public func description(of name: String) -> String {
        plan.steps.first { $0.name == name }?.description ?? name
    }

    /// Records `name` as started, runs `body`, and records its success (with its detail and ids)
    /// or its failure (as a ``BackendError``).
    /// - Returns: The value `body` produced.
    /// - Throws: The failure as a ``BackendError``; `CancellationError` as it is.
    @discardableResult
    public func step<T>(_ name: String,
                        _ body: () async throws -> (value: T, detail: String?, ids: [String: String])) async throws -> T {
        await recorder.stepStarted(name, description: description(of: name))
        do {
            let (value, detail, ids) = try await body()
            engineIDs.merge(ids.filter { !stepOnlyIDs.contains($0.key) }) { $1 }
            await recorder.stepSucceeded(name, detail: detail, engineIDs: ids)
            return value
        } catch {
            let failure = backendError(error)
            await recorder.stepFailed(name, error: failure)
            logStepFailed(name, failure)
            if error is CancellationError { throw error }
            throw failure
        }
    }

    /// Records `name` as skipped because what it makes is already there. `ids` (the reused objects)
    /// go on the step's record first and join the job's result, so a run that takes the job over
    /// later can restore them. A step an earlier run of the job finished is not recorded again.
    public func skip(_ name: String, reason: String, ids: [String: String] = [:]) async {
        engineIDs.merge(ids.filter { !stepOnlyIDs.contains($0.key) }) { $1 }
        guard job.completedStep(name) == nil else { return }
        if !ids.isEmpty { await recorder.stepReportedIDs(name, engineIDs: ids) }
        await recorder.stepSkipped(name, reason: reason)
    }

    // MARK: - Resuming a job another run started

    /// What a step an earlier run of this job finished gives to later steps, rebuilt from the
    /// engine ids it recorded; nil when the step must run now.
    ///
    /// A replica that takes a job over runs its plan again with the steps the dead replica
    /// recorded (``JobContext/recordedSteps``). A step recorded `succeeded` or `skipped` is not run
    /// and not recorded again: this returns what `restore` reads from its ids (a network id, a VM
    /// id), adds those ids to the job's result and logs `Provisioning step done before the
    /// takeover`. It returns nil, and the step runs (finding on the engine what it made), when no
    /// earlier run finished the step or its record lacks an id `restore` needs.
    ///
    /// ```swift
    /// if let id = execution.doneBefore("create_vm", restore: { $0["vm_id"] }) {
    ///     vmID = id
    /// } else {
    ///     vmID = try await createVM()
    /// }
    /// ```
    public func doneBefore<T>(_ name: String, restore: ([String: String]) -> T?) -> T? {
        guard let recorded = job.completedStep(name), let value = restore(recorded.engineIDs) else { return nil }
        engineIDs.merge(recorded.engineIDs.filter { !stepOnlyIDs.contains($0.key) }) { $1 }
        job.logger.info("Provisioning step done before the takeover", metadata: metadata.merging([
            "job.step": "\(name)", "job.step_state": "\(recorded.state)",
        ]) { $1 })
        return value
    }

    /// Whether an earlier run of this job finished the step named `name`, which then is not run
    /// again (for steps that give later steps nothing); see ``doneBefore(_:restore:)``.
    public func doneBefore(_ name: String) -> Bool {
        doneBefore(name) { _ in () } != nil
    }

    /// The record an earlier run left of the step named `name` when it did not finish it
    /// (`running`, `interrupted` or `failed`): its engine ids say what it may have left on the engine.
    public func unfinishedStep(_ name: String) -> JobStep? {
        guard job.completedStep(name) == nil else { return nil }
        return job.recordedSteps.last { $0.name == name }
    }

    /// Logs a failed step (for steps a kind records itself, such as parallel host setups).
    public func logStepFailed(_ name: String, _ failure: BackendError) {
        job.logger.info("Provisioning step failed", metadata: metadata.merging([
            "job.step": "\(name)", "error.message": "\(failure.message)",
        ]) { $1 })
    }

    /// `error` as the run reports it: a ``BackendError`` as it is, a cancellation as
    /// `the job was cancelled`, anything else as `invalid_response` with its description.
    public func backendError(_ error: any Error) -> BackendError {
        switch error {
        case let error as BackendError: return error
        case is CancellationError: return BackendError(.transport, engine: engine, message: "the job was cancelled")
        default: return BackendError(.invalidResponse, engine: engine, message: "\(error)")
        }
    }

    /// Logs the start of the run.
    public func logStarted() {
        job.logger.info("Provisioning started", metadata: metadata)
    }

    /// Logs the end of the run and returns its result: the collected ids and `summary`.
    public func finished(summary: String) -> ProvisioningResult {
        job.logger.info("Provisioning finished", metadata: metadata)
        return ProvisioningResult(engineIDs: engineIDs, summary: summary)
    }
}
