import Foundation
import Logging
import Synchronization

/// Runs accepted jobs on their engines: concurrently across engines, at most
/// ``perEngineLimit`` at a time on one engine, recording every step in the ``JobStore``.
///
/// Run it as a long-lived service (`try await runner.run()`); ``submit(_:plan:)`` hands
/// it work from any task. When `run()` is cancelled, jobs in flight are cancelled and end
/// `interrupted`, with the steps they finished on record.
public final class JobRunner: Sendable {
    struct Work: Sendable {
        var job: Job
        var plan: ProvisioningPlan
    }

    public let store: any JobStore
    private let inventory: EngineSet
    private let logger: Logger
    /// Most jobs running at once on one engine.
    public let perEngineLimit: Int
    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation
    private let limiter: ConcurrencyLimiter
    /// Set once `run()` has returned: every job it ran is final in the store.
    private let stopped = Mutex(false)
    /// Signalled when a job becomes final and when the runner stops.
    private let finishes = JobFinishSignal()

    /// Sleeps on the runner's clock (the bound of ``wait(for:timeout:)``).
    private let sleep: @Sendable (Duration) async throws -> Void
    /// The wall clock jobs and steps are stamped with.
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - clock: Bounds ``wait(for:timeout:)``; tests pass one they advance themselves.
    ///   - now: Stamps jobs and steps (`started_at`, `finished_at`).
    public init(store: any JobStore, inventory: EngineSet, perEngineLimit: Int = 2, logger: Logger,
                clock: some Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.inventory = inventory
        self.logger = logger
        self.sleep = { try await clock.sleep(for: $0) }
        self.now = now
        self.perEngineLimit = max(1, perEngineLimit)
        self.limiter = ConcurrencyLimiter(limit: max(1, perEngineLimit))
        (stream, continuation) = AsyncStream.makeStream(of: Work.self)
    }

    /// Queues a stored job for execution.
    public func submit(_ job: Job, plan: ProvisioningPlan) {
        continuation.yield(Work(job: job, plan: plan))
    }

    /// Executes submitted jobs until cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await work in stream {
                group.addTask { await self.execute(work) }
            }
        }
        stopped.withLock { $0 = true }
        finishes.signal()
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
    /// states. The store is read when a job finishes, never polled.
    /// - Returns: The jobs as they are at the end of the wait.
    public func wait(for ids: [String], timeout: Duration) async throws -> [Job] {
        let sleep = self.sleep
        let settled = try await withThrowingTaskGroup(of: [Job]?.self) { group in
            group.addTask { try await self.readWhenSettled(ids) }
            group.addTask {
                try? await sleep(timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        if let settled { return settled }
        // Timed out or cancelled: the jobs as they are now.
        return try await read(ids)
    }

    /// The jobs once all are final or the runner stopped; nil when cancelled first.
    private func readWhenSettled(_ ids: [String]) async throws -> [Job]? {
        while !Task.isCancelled {
            // Taken before the read, so a job finishing during it wakes the wait below at once.
            let generation = finishes.generation
            let stoppedBeforeRead = isStopped
            let jobs = try await read(ids)
            if jobs.allSatisfy({ $0.state.isFinal }) || stoppedBeforeRead { return jobs }
            await finishes.changed(after: generation)
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
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(work.job.id)"
        logger[metadataKey: "backend.name"] = "\(work.job.engine)"
        if let requestID = work.job.requestID { logger[metadataKey: "request.id"] = "\(requestID)" }
        let model = inventory.model.engine(named: work.job.engine)
        // The engine confirmed a VM: show it in listings now rather than at the next event poll.
        // A child task re-reads, so the job's next step does not wait for it.
        let (confirmed, confirm) = AsyncStream.makeStream(of: [InventoryObject].self)
        let recorder = StoreRecorder(job: work.job, store: store, logger: logger, now: now) { confirm.yield($0) }
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await objects in confirmed { await model?.refresh(objects) }
            }
            await run(work, recorder: recorder, logger: logger)
            confirm.finish()
        }
        finishes.signal()
    }

    private func run(_ work: Work, recorder: StoreRecorder, logger: Logger) async {
        guard let backend = inventory.backend(named: work.job.engine) else {
            await recorder.finish(.failed, error: JobError(code: "unknown_engine",
                                                           message: "engine \(work.job.engine) is no longer configured"))
            return
        }
        guard let backend = backend as? any ProvisioningBackend else {
            await recorder.finish(.failed, error: JobError(code: "unsupported_capability",
                                                           message: "\(backend.kind) engines create nothing"))
            return
        }
        do {
            try await limiter.withPermit(for: work.job.engine) {
                await recorder.start()
                logger.info("Job started", metadata: ["job.action": "\(work.job.action)"])
                let context = JobContext(jobID: work.job.id, correlationID: work.job.engineCorrelationID, recorder: recorder,
                                         logger: logger)
                let result = try await backend.execute(work.plan, context: context)
                await recorder.finish(.succeeded, result: result)
                logger.info("Job succeeded")
            }
        } catch let error as BackendError {
            logger.warning("Job failed", metadata: ["error.code": "\(error.code)", "error.message": "\(error.message)"])
            await recorder.finish(.failed, error: JobError(code: error.code.description, message: error.message,
                                                           httpStatus: error.httpStatus))
        } catch is CancellationError {
            await recorder.finish(.interrupted, error: JobError(code: "interrupted",
                                                                message: "the server stopped while the job ran"))
        } catch {
            await recorder.finish(.failed, error: JobError(code: "internal", message: "\(error)"))
        }
    }
}

/// Persists a job's progress as the backend reports it.
actor StoreRecorder: JobRecorder {
    private var job: Job
    private let store: any JobStore
    private let logger: Logger
    /// Told of each VM a step reports, so the live model re-reads it.
    private let onEngineObjects: @Sendable ([InventoryObject]) -> Void
    private let now: @Sendable () -> Date

    init(job: Job, store: any JobStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
         onEngineObjects: @escaping @Sendable ([InventoryObject]) -> Void = { _ in }) {
        self.job = job
        self.store = store
        self.logger = logger
        self.now = now
        self.onEngineObjects = onEngineObjects
    }

    /// Writes the job. The write runs in its own task, so it is made even when the job's task
    /// is being cancelled (a stop must leave `interrupted` and the finished steps on record).
    private func save() async {
        let job = self.job
        let store = self.store
        do {
            try await Task { try await store.update(job) }.value
        } catch {
            logger.error("Could not record job progress", metadata: ["error": "\(error)"])
        }
    }

    func start() async {
        job.state = .running
        job.startedAt = now()
        AggregatorMetrics.job(engine: job.engine, kind: job.kind, action: job.action, state: .running)
        await save()
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
        job.steps.append(JobStep(name: name, description: description, state: "running", startedAt: now()))
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
        await close(name) {
            $0.state = "succeeded"
            $0.detail = detail
            $0.engineIDs.merge(engineIDs) { $1 }
        }
        if let vmID = engineIDs["vm_id"] { onEngineObjects([.vm(id: vmID)]) }
    }

    func stepReportedIDs(_ name: String, engineIDs: [String: String]) async {
        guard !engineIDs.isEmpty else { return }
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
