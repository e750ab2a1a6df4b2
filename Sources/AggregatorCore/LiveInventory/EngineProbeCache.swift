import Synchronization

/// One engine's last probe (`GET /api/v1/backends`, the web overview), shared by every caller
/// for ``RefreshSettings/probeCache``: however many clients poll, the engine is asked at most
/// once per period, and callers that arrive while a probe runs wait for it. Failures are kept
/// as long as answers, so an engine that refuses the login is not asked again sooner.
final class EngineProbeCache: Sendable {
    typealias Outcome = Result<EngineProbe, BackendError>

    private struct State {
        var last: (outcome: Outcome, at: ContinuousClock.Instant, duration: Duration)?
        var running: Task<(Outcome, Duration), Never>?
    }

    private let ttl: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    init(ttl: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.ttl = ttl
        self.now = now
    }

    /// The last outcome while younger than the period, else the outcome of a (shared) probe.
    /// - Returns: The outcome, how long the probe took, and its age when it came from memory.
    func value(probe: @escaping @Sendable () async -> Outcome) async -> (Outcome, duration: Duration, age: Duration?) {
        let current = now()
        let task = state.withLock { state -> Task<(Outcome, Duration), Never>? in
            if let last = state.last, current - last.at < ttl { return nil }
            if let running = state.running { return running }
            let task = Task { () -> (Outcome, Duration) in
                let start = self.now()
                let outcome = await probe()
                let finished = self.now()
                self.state.withLock {
                    $0.last = (outcome, finished, finished - start)
                    $0.running = nil
                }
                return (outcome, finished - start)
            }
            state.running = task
            return task
        }
        guard let task else {
            let last = state.withLock { $0.last }!
            return (last.outcome, last.duration, current - last.at)
        }
        let (outcome, duration) = await task.value
        return (outcome, duration, nil)
    }
}
