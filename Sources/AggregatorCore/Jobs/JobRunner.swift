import Foundation
import Logging
import Synchronization

/// Runs accepted jobs on their engines: concurrently across engines, at most
/// ``perEngineLimit`` at a time on one engine, recording every step in the ``JobStore``.
///
/// Run it as a long-lived service (`try await runner.run()`); ``submit(_:plan:)`` hands
/// it work from any task. When `run()` is cancelled, jobs in flight are cancelled and end
/// `interrupted`, with the steps they finished on record.
///
/// Over a ``LeasedJobStore`` (several replicas on one PostgreSQL) every job this runner runs is
/// held under a lease that it renews every third of ``ReplicaSettings/lease``; it claims the jobs
/// whose lease ended (their replica died) and resumes them from their recorded steps; a job whose
/// lease it loses, or that it can no longer record, is cancelled at once and left to the replica
/// that can; and a shutdown hands its jobs back, unfinished, for another replica to resume.
public final class JobRunner: Sendable {
    struct Work: Sendable {
        var job: Job
        var plan: ProvisioningPlan
        /// Taken over from another replica: resume from the job's recorded steps.
        var resumed = false
    }

    public let store: any JobStore
    let inventory: EngineSet
    let logger: Logger
    /// Most jobs running at once on one engine.
    public let perEngineLimit: Int
    /// This process among the replicas.
    public let replica: ReplicaSettings
    /// The store as replicas share it, when it is one.
    let leased: (any LeasedJobStore)?
    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation
    private let limiter: ConcurrencyLimiter
    /// Set once `run()` has returned: every job it ran is final in the store.
    private let stopped = Mutex(false)
    /// Signalled when a job changes (here or, over a leased store, on any replica) and when the
    /// runner stops.
    let changes = JobFinishSignal()
    /// The jobs this runner holds (queued or running), each with the signal that cancels it when
    /// its lease is lost.
    let held = Mutex<[String: AsyncStream<Void>.Continuation]>([:])

    /// Sleeps on the runner's clock (the bound of ``wait(for:timeout:)``, the lease rhythm).
    let sleep: @Sendable (Duration) async throws -> Void
    /// Reads the runner's clock, as a duration since an arbitrary origin.
    let elapsed: @Sendable () -> Duration
    /// The wall clock jobs and steps are stamped with.
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - replica: This process's name and lease among replicas (used with a ``LeasedJobStore``).
    ///   - clock: Bounds ``wait(for:timeout:)`` and paces the leases; tests pass one they advance themselves.
    ///   - now: Stamps jobs and steps (`started_at`, `finished_at`).
    public init<C: Clock<Duration>>(store: any JobStore, inventory: EngineSet, perEngineLimit: Int = 2,
                                    replica: ReplicaSettings = ReplicaSettings(), logger: Logger,
                                    clock: C = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.leased = store as? any LeasedJobStore
        self.inventory = inventory
        self.logger = logger
        self.replica = replica
        self.sleep = { try await clock.sleep(for: $0) }
        let origin = clock.now
        self.elapsed = { origin.duration(to: clock.now) }
        self.now = now
        self.perEngineLimit = max(1, perEngineLimit)
        self.limiter = ConcurrencyLimiter(limit: max(1, perEngineLimit))
        (stream, continuation) = AsyncStream.makeStream(of: Work.self)
    }

    /// Stores `job` and, when it is new, queues it for execution: the one way a job is accepted.
    /// Over a leased store the job is held by this runner from the moment it is inserted.
    /// - Returns: The stored job (an earlier one with the same idempotency key, when there is one)
    ///   and whether it was inserted now.
    /// - Throws: The store's error (``JobStoreUnavailable`` when the database does not answer):
    ///   then nothing was stored and nothing runs.
    public func accept(_ job: Job, plan: ProvisioningPlan) async throws -> (job: Job, inserted: Bool) {
        var job = job
        job.runner = replica.name
        let stored: (job: Job, inserted: Bool)
        if let leased {
            stored = try await leased.insertUnlessActive(job, leasedTo: replica.owner, for: replica.lease)
        } else {
            stored = try await store.insertUnlessActive(job)
        }
        if stored.inserted { submit(stored.job, plan: plan) }
        return stored
    }

    /// Queues a stored job for execution.
    public func submit(_ job: Job, plan: ProvisioningPlan) {
        continuation.yield(Work(job: job, plan: plan))
    }

    func submitResumed(_ job: Job, plan: ProvisioningPlan) {
        continuation.yield(Work(job: job, plan: plan, resumed: true))
    }

    /// Executes submitted jobs until cancelled; over a leased store it also keeps its leases,
    /// takes over abandoned jobs and follows the other replicas' changes.
    public func run() async {
        await withDiscardingTaskGroup { jobs in
            await withTaskGroup(of: Void.self) { duties in
                if let leased {
                    duties.addTask { await self.followChanges(leased) }
                    duties.addTask { await self.keepLeases(leased) }
                    duties.addTask { await self.takeOverAbandoned(leased) }
                }
                for await work in stream {
                    jobs.addTask { await self.execute(work) }
                }
                duties.cancelAll()
            }
        }
        stopped.withLock { $0 = true }
        changes.signal()
    }

    /// True once ``run()`` has returned (the server is stopping): no job will change any more.
    public var isStopped: Bool { stopped.withLock { $0 } }

    /// Stops accepting work; `run()` returns once running jobs end.
    public func finish() {
        continuation.finish()
    }

    /// Waits until every job in `ids` reached a final state, `timeout` passed on the runner's
    /// clock, the runner stopped (the server is shutting down), or the waiting task is cancelled.
    /// Never holds up a shutdown: once the runner stops, it answers at once with the jobs' recorded
    /// states. The store is read when a job changes, never polled.
    /// - Returns: The jobs as they are at the end of the wait.
    public func wait(for ids: [String], timeout: Duration) async throws -> [Job] {
        try await waitUntil(ids, timeout: timeout) { jobs in jobs.allSatisfy { $0.state.isFinal } }
    }

    /// Waits until job `id` is recorded at a revision after `revision`, is final, `timeout` passed,
    /// or the runner stopped: how a client follows one job (`GET /api/v1/jobs/{id}?wait=&revision=`)
    /// without polling.
    /// - Returns: The job as it is at the end of the wait; nil when there is no such job.
    public func waitForChange(of id: String, after revision: Int, timeout: Duration) async throws -> Job? {
        try await waitUntil([id], timeout: timeout) { jobs in
            jobs.allSatisfy { $0.state.isFinal || ($0.revision ?? 0) > revision }
        }.first
    }

    private func waitUntil(_ ids: [String], timeout: Duration, _ settled: @escaping @Sendable ([Job]) -> Bool)
        async throws -> [Job]
    {
        let sleep = self.sleep
        let result = try await withThrowingTaskGroup(of: [Job]?.self) { group in
            group.addTask { try await self.readWhen(ids, settled) }
            group.addTask {
                try? await sleep(timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        if let result { return result }
        // Timed out or cancelled: the jobs as they are now.
        return try await read(ids)
    }

    /// The jobs once `settled` holds or the runner stopped; nil when cancelled first.
    private func readWhen(_ ids: [String], _ settled: ([Job]) -> Bool) async throws -> [Job]? {
        while !Task.isCancelled {
            // Taken before the read, so a change during it wakes the wait below at once.
            let generation = changes.generation
            let stoppedBeforeRead = isStopped
            let jobs = try await read(ids)
            if jobs.count < ids.count || settled(jobs) || stoppedBeforeRead { return jobs }
            await changes.changed(after: generation)
        }
        return nil
    }

    private func read(_ ids: [String]) async throws -> [Job] {
        var jobs: [Job] = []
        for id in ids {
            if let job = try await store.job(id: id) { jobs.append(job) }
        }
        return jobs
    }

    private func execute(_ work: Work) async {
        let logger = jobLogger(work.job)
        let model = inventory.model.engine(named: work.job.engine)
        // The engine confirmed a VM: show it in listings now rather than at the next event poll.
        // A child task re-reads, so the job's next step does not wait for it.
        let (confirmed, confirm) = AsyncStream.makeStream(of: [InventoryObject].self)
        // Told when every confirmed VM was re-read: the job is recorded final only after, so a
        // `?wait=` that sees it end finds the listings showing what it did.
        let (refreshed, allRefreshed) = AsyncStream.makeStream(of: Void.self)
        let (lost, loseLease) = AsyncStream.makeStream(of: Void.self)
        if leased != nil { held.withLock { $0[work.job.id] = loseLease } }
        let changes = self.changes
        let recorder = StoreRecorder(
            job: work.job, store: store, holder: leased.map { ($0, replica) }, logger: logger, now: now,
            onChange: { lostLease in
                if lostLease { loseLease.yield() }
                changes.signal()
            },
            onEngineObjects: { confirm.yield($0) })
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await objects in confirmed { await model?.refresh(objects) }
                allRefreshed.finish()
                return false
            }
            group.addTask {
                await self.run(work, recorder: recorder, logger: logger) {
                    confirm.finish()
                    for await _ in refreshed {}
                }
                confirm.finish()
                loseLease.finish()
                return false
            }
            group.addTask {
                // True when the lease was lost while the job ran: stop touching it.
                for await _ in lost { return true }
                return false
            }
            while let leaseLost = await group.next() {
                if leaseLost {
                    logger.warning("Job lease lost; the job is left to the replica that holds it")
                    await recorder.abandon()
                    group.cancelAll()
                }
            }
        }
        held.withLock { _ = $0.removeValue(forKey: work.job.id) }
        changes.signal()
    }

    private func jobLogger(_ job: Job) -> Logger {
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "backend.name"] = "\(job.engine)"
        if let requestID = job.requestID { logger[metadataKey: "request.id"] = "\(requestID)" }
        return logger
    }

    /// - Parameter settle: Waits until the live model re-read every VM the job's steps reported;
    ///   called before the job is recorded final.
    private func run(_ work: Work, recorder: StoreRecorder, logger: Logger, settle: () async -> Void) async {
        guard let backend = inventory.backend(named: work.job.engine) else {
            await recorder.finish(.failed, error: JobError(code: "unknown_engine",
                                                           message: "engine \(work.job.engine) is no longer configured"))
            return
        }
        guard let backend = backend as? any JobExecutingBackend else {
            await recorder.finish(.failed, error: JobError(code: "unsupported_capability",
                                                           message: "\(backend.kind) engines run no jobs"))
            return
        }
        do {
            try await limiter.withPermit(for: work.job.engine) {
                guard await recorder.start() else { return }
                logger.info(work.resumed ? "Job resumed" : "Job started", metadata: [
                    "job.action": "\(work.job.action)", "job.steps_recorded": "\(work.job.steps.count)",
                ])
                let context = JobContext(jobID: work.job.id, correlationID: work.job.engineCorrelationID, recorder: recorder,
                                         logger: logger, recordedSteps: work.resumed ? work.job.steps : [])
                let result = try await backend.execute(work.plan, context: context)
                await settle()
                await recorder.finish(.succeeded, result: result)
                logger.info("Job succeeded")
            }
        } catch let error as BackendError {
            await settle()
            logger.warning("Job failed", metadata: ["error.code": "\(error.code)", "error.message": "\(error.message)"])
            await recorder.finish(.failed, error: JobError(code: error.code.description, message: error.message,
                                                           httpStatus: error.httpStatus))
        } catch is CancellationError {
            if leased != nil {
                // Another replica resumes it (a shutdown hands the job over rather than failing it).
                await recorder.handOver()
            } else {
                await recorder.finish(.interrupted, error: JobError(code: "interrupted",
                                                                    message: "the server stopped while the job ran"))
            }
        } catch {
            await recorder.finish(.failed, error: JobError(code: "internal", message: "\(error)"))
        }
    }
}
