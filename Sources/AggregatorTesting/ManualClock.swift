import Synchronization

/// A clock that stands still until the test moves it, so code that sleeps on a clock (a refresh
/// service between its rounds, say) runs its timed work exactly when the test says, without
/// the test waiting on the wall clock.
///
/// Its instants are `ContinuousClock` instants, so the same clock can also stand behind a
/// `now: () -> ContinuousClock.Instant` reading. Every sleep that starts is announced on
/// ``sleeps``: a test waits there to know the code under test has finished a round.
///
/// ```swift
/// let clock = ManualClock()
/// var sleeps = clock.sleeps.makeAsyncIterator()
/// // … start the service with `clock` …
/// _ = await sleeps.next()          // the first round is done
/// clock.advance(by: .seconds(1))   // the next round starts
/// _ = await sleeps.next()          // and is done
/// ```
public final class ManualClock: Clock {
    public typealias Instant = ContinuousClock.Instant
    public typealias Duration = Swift.Duration

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Instant
        var sleepers: [Int: Sleeper] = [:]
        var cancelled: Set<Int> = []
        var nextID = 0
    }

    private let state: Mutex<State>
    private let sleepsContinuation: AsyncStream<Instant>.Continuation

    /// The deadline of every sleep that starts on this clock (and is not already due), in order.
    public let sleeps: AsyncStream<Instant>

    /// Creates a clock standing at `now`.
    public init(now: Instant = .now) {
        state = Mutex(State(now: now))
        (sleeps, sleepsContinuation) = AsyncStream.makeStream()
    }

    /// The clock's current reading.
    public var now: Instant { state.withLock { $0.now } }

    /// Zero: the clock moves only when told.
    public var minimumResolution: Duration { .zero }

    /// Moves the clock forward and wakes every sleep whose deadline is reached.
    /// - Precondition: `duration` is not negative.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a manual clock only moves forward")
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let ids = state.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { state.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in due { continuation.resume() }
    }

    /// Suspends until ``advance(by:)`` moves the clock to `deadline`, or the task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Start { case due, cancelled, waiting }
                let start = state.withLock { state -> Start in
                    if state.cancelled.remove(id) != nil { return .cancelled }
                    if deadline <= state.now { return .due }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return .waiting
                }
                switch start {
                case .due: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waiting: sleepsContinuation.yield(deadline)
                }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return nil
                }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
