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

    public init(jobID: String, correlationID: String, recorder: any JobRecorder, logger: Logger) {
        self.jobID = jobID
        self.correlationID = correlationID
        self.recorder = recorder
        self.logger = logger
    }
}
