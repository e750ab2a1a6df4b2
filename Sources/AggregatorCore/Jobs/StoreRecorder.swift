import Foundation
import Logging

/// Persists a job's progress as the backend reports it.
///
/// Over a ``LeasedJobStore`` every write is conditional on this replica's lease: a write the store
/// refuses (the lease is lost) or cannot make (the database does not answer) is reported through
/// `onChange(true)`, the runner cancels the job, and nothing more is written for it.
actor StoreRecorder: JobRecorder {
    private var job: Job
    private let store: any JobStore
    /// The shared store and this replica, when jobs are leased.
    private let holder: (store: any LeasedJobStore, replica: ReplicaSettings)?
    private let logger: Logger
    /// Told after every write; `true` when the job can no longer be recorded by this replica.
    private let onChange: @Sendable (_ lostLease: Bool) -> Void
    /// Told of each VM a step reports, so the live model re-reads it.
    private let onEngineObjects: @Sendable ([InventoryObject]) -> Void
    private let now: @Sendable () -> Date
    /// Set once the lease is lost: nothing is written any more.
    private var abandoned = false

    init(job: Job, store: any JobStore, holder: (store: any LeasedJobStore, replica: ReplicaSettings)? = nil,
         logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
         onChange: @escaping @Sendable (_ lostLease: Bool) -> Void = { _ in },
         onEngineObjects: @escaping @Sendable ([InventoryObject]) -> Void = { _ in }) {
        self.job = job
        self.store = store
        self.holder = holder
        self.logger = logger
        self.now = now
        self.onChange = onChange
        self.onEngineObjects = onEngineObjects
    }

    /// Writes the job. The write runs in its own task, so it is made even when the job's task
    /// is being cancelled (a stop must leave `interrupted` and the finished steps on record).
    /// - Returns: False when the job could not be recorded (over a leased store: the lease is lost
    ///   or the database does not answer).
    @discardableResult
    private func save(releasing release: Bool = false) async -> Bool {
        guard !abandoned else { return false }
        job.revision = (job.revision ?? 0) + 1
        let job = self.job
        let store = self.store
        let holder = self.holder
        let written: Bool
        do {
            if let holder {
                written = try await Task {
                    try await holder.store.update(job, heldBy: holder.replica.owner, release: release || job.state.isFinal)
                }.value
                if !written { logger.warning("Job lease lost; its record is left to the replica that holds it") }
            } else {
                try await Task { try await store.update(job) }.value
                written = true
            }
        } catch {
            logger.error("Could not record job progress", metadata: ["error": "\(error)"])
            written = holder == nil
        }
        if !written { abandoned = true }
        onChange(!written)
        return written
    }

    /// Stops writing: the lease is lost, and another replica records the job from now on.
    func abandon() {
        abandoned = true
    }

    /// Records the job running on this replica.
    /// - Returns: False when it could not be recorded: the job must not run.
    func start() async -> Bool {
        job.state = .running
        job.startedAt = job.startedAt ?? now()
        job.attempts = (job.attempts ?? 0) + 1
        if let holder { job.runner = holder.replica.name }
        AggregatorMetrics.job(engine: job.engine, kind: job.kind, action: job.action, state: .running)
        return await save()
    }

    /// Leaves the job unfinished for another replica (this one is stopping): steps that were running
    /// are recorded `interrupted`, and the lease is released so the next claim takes the job at once.
    func handOver() async {
        let stopped = now()
        for index in job.steps.indices where job.steps[index].state == "running" {
            job.steps[index].state = "interrupted"
            job.steps[index].finishedAt = stopped
        }
        await save(releasing: true)
    }

    func finish(_ state: JobState, result: ProvisioningResult? = nil, error: JobError? = nil) async {
        job.state = state
        let finished = now()
        job.finishedAt = finished
        AggregatorMetrics.job(engine: job.engine, kind: job.kind, action: job.action, state: state)
        job.result = result
        job.error = error
        for index in job.steps.indices where job.steps[index].state == "running" {
            job.steps[index].state = state == .interrupted ? "interrupted" : "failed"
            job.steps[index].finishedAt = finished
        }
        await save()
    }

    func stepStarted(_ name: String, description: String) async {
        // A resumed job runs again the step its earlier run left running: the same record, reopened.
        if let index = job.steps.lastIndex(where: {
            $0.name == name && ($0.state == "running" || $0.state == "interrupted")
        }) {
            job.steps[index].state = "running"
            job.steps[index].finishedAt = nil
        } else {
            job.steps.append(JobStep(name: name, description: description, state: "running", startedAt: now()))
        }
        await save()
    }

    private func close(_ name: String, _ update: (inout JobStep) -> Void) async {
        if let index = job.steps.lastIndex(where: { $0.name == name && $0.state == "running" }) {
            update(&job.steps[index])
            let finished = now()
            job.steps[index].finishedAt = finished
            AggregatorMetrics.jobStep(kind: job.kind, step: name, outcome: job.steps[index].state,
                                      duration: .seconds(finished.timeIntervalSince(job.steps[index].startedAt)))
        } else {
            var step = JobStep(name: name, description: name, state: "running", startedAt: now())
            update(&step)
            step.finishedAt = step.startedAt
            job.steps.append(step)
        }
        await save()
    }

    func stepSucceeded(_ name: String, detail: String?, engineIDs: [String: String]) async {
        if job.vmID == nil, let vmID = engineIDs["vm_id"] { job.vmID = vmID }
        await close(name) {
            $0.state = "succeeded"
            $0.detail = detail
            $0.engineIDs.merge(engineIDs) { $1 }
        }
        if let vmID = engineIDs["vm_id"] { onEngineObjects([.vm(id: vmID)]) }
    }

    func stepReportedIDs(_ name: String, engineIDs: [String: String]) async {
        guard !engineIDs.isEmpty else { return }
        if job.vmID == nil, let vmID = engineIDs["vm_id"] { job.vmID = vmID }
        if let index = job.steps.lastIndex(where: { $0.name == name && $0.state == "running" }) {
            job.steps[index].engineIDs.merge(engineIDs) { $1 }
        } else {
            job.steps.append(JobStep(name: name, description: name, state: "running", startedAt: now(),
                                     engineIDs: engineIDs))
        }
        await save()
        if let vmID = engineIDs["vm_id"] { onEngineObjects([.vm(id: vmID)]) }
    }

    func stepFailed(_ name: String, error: BackendError) async {
        await close(name) {
            $0.state = "failed"
            $0.error = error.message
        }
    }

    func stepSkipped(_ name: String, reason: String) async {
        await close(name) {
            $0.state = "skipped"
            $0.detail = reason
        }
    }
}
