import AggregatorCore
import Foundation
import Logging

/// A job's record as the job store keeps it, for tests of a job another replica takes over.
///
/// It keeps the steps a backend reports as ``JobStep`` values the way the server's recorder does
/// (ids reported during a step land on its record; a step started again whose record is still
/// `running` or `interrupted` is re-opened in place), and every report in order as ``events``.
/// Given a ``StopPoint``, it plays a replica killed with `kill -9` at that moment: the report that
/// reaches the stop point is the last one recorded, and the backend's task is held there until
/// ``run(_:)`` cancels it.
///
/// ```swift
/// let dying = TakeoverJobRecord(stopAt: .reported("create_vm", id: "vm_id"))
/// #expect(await dying.run { try await backend.execute(plan, context: dying.context(jobID: "job-1")) } == nil)
/// let takeover = TakeoverJobRecord(steps: await dying.steps)
/// let result = try await backend.execute(plan, context: takeover.context(jobID: "job-1",
///                                                                      recordedSteps: await dying.steps))
/// ```
public actor TakeoverJobRecord: JobRecorder {
    /// One report of the backend, in the order it came.
    public enum Event: Sendable, Hashable, CustomStringConvertible {
        case started(String)
        case reported(String, [String: String])
        case succeeded(String)
        case failed(String)
        case skipped(String)

        /// The step the report is about.
        public var step: String {
            switch self {
            case .started(let name), .reported(let name, _), .succeeded(let name), .failed(let name),
                 .skipped(let name):
                name
            }
        }

        public var description: String {
            switch self {
            case .started(let name): "\(name): started"
            case .reported(let name, let ids): "\(name): reported \(ids.keys.sorted().joined(separator: ","))"
            case .succeeded(let name): "\(name): succeeded"
            case .failed(let name): "\(name): failed"
            case .skipped(let name): "\(name): skipped"
            }
        }
    }

    /// The moment the replica dies: the first report it matches.
    public struct StopPoint: Sendable {
        let matches: @Sendable (Event) -> Bool

        /// Any report `matches` accepts.
        public init(_ matches: @escaping @Sendable (Event) -> Bool) { self.matches = matches }

        /// When step `step` reports the engine id `id` (a VM that exists but is not finished yet).
        public static func reported(_ step: String, id: String) -> StopPoint {
            StopPoint { if case .reported(step, let ids) = $0 { ids[id] != nil } else { false } }
        }

        /// When step `step` starts.
        public static func started(_ step: String) -> StopPoint {
            StopPoint { $0 == .started(step) }
        }
    }

    /// The job's steps as the store holds them.
    public private(set) var steps: [JobStep]
    /// Every report this record took, in order (not those of the run whose steps it started from).
    public private(set) var events: [Event] = []
    /// Whether the stop point was reached; nothing is recorded after it.
    public private(set) var isStopped = false

    private let stopPoint: StopPoint?
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var jobEnded = false

    /// - Parameters:
    ///   - steps: The record an earlier run left, which a takeover continues.
    ///   - stopAt: Where the replica dies, or nil for a run that goes to its end.
    public init(steps: [JobStep] = [], stopAt: StopPoint? = nil) {
        self.steps = steps
        self.stopPoint = stopAt
    }

    /// The context of a run recorded here: the job's id, its correlation id (`<jobID>-corr` unless
    /// given) and the steps of an earlier run it resumes.
    public nonisolated func context(jobID: String, correlationID: String? = nil, recordedSteps: [JobStep] = [],
                                    logger: Logger = Logger(label: "job") { _ in SwiftLogNoOpLogHandler() })
        -> JobContext
    {
        JobContext(jobID: jobID, correlationID: correlationID ?? "\(jobID)-corr", recorder: self, logger: logger,
                   recordedSteps: recordedSteps)
    }

    /// Runs `job` until the record reaches its stop point, then cancels it, as the work of a killed
    /// replica ends; waits until it has ended.
    /// - Returns: Nil when the job stopped at the stop point; what the job gave (a result or an
    ///   error) when it ended before reaching it.
    public func run(_ job: @escaping @Sendable () async throws -> ProvisioningResult) async
        -> Result<ProvisioningResult, any Error>?
    {
        let task = Task {
            let outcome: Result<ProvisioningResult, any Error>
            do { outcome = .success(try await job()) } catch { outcome = .failure(error) }
            await self.ended()
            return outcome
        }
        await stoppedOrEnded()
        let stopped = isStopped
        task.cancel()
        let outcome = await task.value
        return stopped ? nil : outcome
    }

    /// The steps named `name`, as recorded.
    public func steps(named name: String) -> [JobStep] { steps.filter { $0.name == name } }

    // MARK: - JobRecorder

    public func stepStarted(_ name: String, description: String) async {
        guard take(.started(name)) else { return }
        if let index = steps.lastIndex(where: { $0.name == name }),
           steps[index].state == "running" || steps[index].state == "interrupted"
        {
            steps[index].state = "running"
            steps[index].finishedAt = nil
            steps[index].error = nil
        } else {
            steps.append(JobStep(name: name, description: description, state: "running", startedAt: Date()))
        }
        await holdIfStopped()
    }

    public func stepReportedIDs(_ name: String, engineIDs: [String: String]) async {
        guard take(.reported(name, engineIDs)) else { return }
        if let index = steps.lastIndex(where: { $0.name == name && $0.state == "running" }) {
            steps[index].engineIDs.merge(engineIDs) { $1 }
        } else {
            steps.append(JobStep(name: name, description: name, state: "running", startedAt: Date(),
                                 engineIDs: engineIDs))
        }
        await holdIfStopped()
    }

    public func stepSucceeded(_ name: String, detail: String?, engineIDs: [String: String]) async {
        guard take(.succeeded(name)) else { return }
        close(name) {
            $0.state = "succeeded"
            $0.detail = detail
            $0.engineIDs.merge(engineIDs) { $1 }
        }
        await holdIfStopped()
    }

    public func stepFailed(_ name: String, error: BackendError) async {
        guard take(.failed(name)) else { return }
        close(name) {
            $0.state = "failed"
            $0.error = error.message
        }
        await holdIfStopped()
    }

    public func stepSkipped(_ name: String, reason: String) async {
        guard take(.skipped(name)) else { return }
        close(name) {
            $0.state = "skipped"
            $0.detail = reason
        }
        await holdIfStopped()
    }

    // MARK: - Private

    /// Records `event` unless the replica is dead; reaching the stop point kills it after this one.
    private func take(_ event: Event) -> Bool {
        guard !isStopped else { return false }
        events.append(event)
        if stopPoint?.matches(event) == true {
            isStopped = true
            wake()
        }
        return true
    }

    /// A dead replica's task never goes on: held until it is cancelled.
    private func holdIfStopped() async {
        guard isStopped else { return }
        let (hold, continuation) = AsyncStream.makeStream(of: Never.self)
        for await _ in hold {}
        continuation.finish()
    }

    private func close(_ name: String, _ update: (inout JobStep) -> Void) {
        if let index = steps.lastIndex(where: { $0.name == name && $0.state == "running" }) {
            update(&steps[index])
            steps[index].finishedAt = Date()
        } else {
            var step = JobStep(name: name, description: name, state: "running", startedAt: Date())
            update(&step)
            step.finishedAt = step.startedAt
            steps.append(step)
        }
    }

    private func ended() {
        jobEnded = true
        wake()
    }

    private func wake() {
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }

    private func stoppedOrEnded() async {
        guard !isStopped, !jobEnded else { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
