import Logging

/// Receives the progress of a running job, step by step, and persists it.
///
/// Backends call it as they work so that a failure mid-way leaves a record of what was created
/// and what was not. Calls for one job are made in order from one task.
public protocol JobRecorder: Sendable {
    /// A step began.
    func stepStarted(_ name: String, description: String) async
    /// A step finished; `engineIDs` are ids of objects it created or reused.
    func stepSucceeded(_ name: String, detail: String?, engineIDs: [String: String]) async
    /// A step failed; `error` carries the engine's fault text.
    func stepFailed(_ name: String, error: BackendError) async
    /// A step was not needed (already done on the engine).
    func stepSkipped(_ name: String, reason: String) async
    /// A running step learnt the engine ids of objects it made, before it finishes: a VM exists
    /// as soon as `POST /vms` answers, long before its disks are unlocked. Called before the
    /// step's next engine call and persisted before it returns, so a crash or a stop during the
    /// rest of the step never hides what exists on the engine.
    func stepReportedIDs(_ name: String, engineIDs: [String: String]) async
}

extension JobRecorder {
    /// Does nothing: the ids reach the record with ``stepSucceeded(_:detail:engineIDs:)``.
    /// Recorders that persist should implement it.
    public func stepReportedIDs(_ name: String, engineIDs: [String: String]) async {}
}

/// Everything a backend needs to run one job.
public struct JobContext: Sendable {
    /// Our job id.
    public var jobID: String
    /// Sent with every engine call of the job (oVirt's `correlation_id`), so the engine's own
    /// job list and events can be searched for it.
    public var correlationID: String
    public var recorder: any JobRecorder
    public var logger: Logger
    /// The steps an earlier run of this job recorded before it stopped (a replica died and another
    /// took the job over); empty for a first run. A kind resumes from them: a step recorded
    /// `succeeded` is not run again (its engine ids give what later steps need), and what a step
    /// recorded `running` or `interrupted` may have left on the engine is found and reused.
    public var recordedSteps: [JobStep]

    public init(jobID: String, correlationID: String, recorder: any JobRecorder, logger: Logger,
                recordedSteps: [JobStep] = []) {
        self.jobID = jobID
        self.correlationID = correlationID
        self.recorder = recorder
        self.logger = logger
        self.recordedSteps = recordedSteps
    }

    /// True when an earlier run of this job recorded steps: this run resumes it.
    public var isResuming: Bool { !recordedSteps.isEmpty }

    /// The step named `name` as an earlier run recorded it finished (`succeeded` or `skipped`), if it did.
    public func completedStep(_ name: String) -> JobStep? {
        recordedSteps.last { $0.name == name && ($0.state == "succeeded" || $0.state == "skipped") }
    }

    /// The engine ids every step of an earlier run reported, finished or not (`vm_id`, `disk_id[0]`):
    /// what a resumed step looks for on the engine before it makes anything.
    public var recordedEngineIDs: [String: String] {
        recordedSteps.reduce(into: [:]) { ids, step in ids.merge(step.engineIDs) { $1 } }
    }
}
