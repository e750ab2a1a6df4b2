import AggregatorCore
import Synchronization

/// The login of one engine (an SSO token, a ticket), shared by every request of a backend, with
/// a back-off after the engine refused the credentials.
///
/// - Callers that need a credential while none is valid share a single login: the first starts
///   it, the others wait for its outcome. A caller that is cancelled stops waiting at once (so a
///   fan-out timeout is never held up by a login), and when no caller waits any more the login
///   itself is cancelled.
/// - A credential older than `renewAfter` (when given) is replaced by a fresh login before use.
/// - When a login is refused (``BackendError`` `unauthorized` or `forbidden`), no path logs in
///   again before the back-off ends: callers get the refusal at once. The back-off doubles with
///   each refusal in a row up to its maximum and ends with the first login that succeeds. A
///   directory service that locks an account after a few failed logins is then never driven by
///   the request rate of the server's clients, only by this schedule.
public final class SharedLogin<Credential: Sendable>: Sendable {
    /// A credential together with the login that produced it, so a stale 401 invalidates only
    /// its own credential.
    public struct Issued: Sendable {
        public let value: Credential
        /// When the login that produced it finished.
        public let issuedAt: ContinuousClock.Instant
        /// Which login produced it.
        public let generation: Int
    }

    /// How long logins pause after a refusal.
    public struct Backoff: Sendable, Hashable {
        /// Pause after the first refusal. Defaults to 5 seconds.
        public var initial: Duration = .seconds(5)
        /// Longest pause, reached by doubling. Defaults to 5 minutes.
        public var maximum: Duration = .seconds(300)

        public init(initial: Duration = .seconds(5), maximum: Duration = .seconds(300)) {
            self.initial = initial
            self.maximum = maximum
        }

        /// The pause after `refusals` refusals in a row (1 or more).
        func pause(after refusals: Int) -> Duration {
            var pause = initial
            for _ in 1..<max(1, refusals) where pause < maximum { pause *= 2 }
            return min(pause, maximum)
        }
    }

    public typealias Login = @Sendable () async throws -> Credential

    private enum Phase {
        case empty
        case loggingIn(generation: Int, task: Task<Void, Never>)
        case ready(Issued)
    }

    /// Everything that changes, under one lock: a cancelled caller leaves the queue from its
    /// cancellation handler, synchronously.
    private struct State {
        var phase: Phase = .empty
        var waiters: [Int: CheckedContinuation<Issued, any Error>] = [:]
        var nextWaiter = 0
        var generation = 0
        /// The last refusal and when logins may be tried again.
        var refusal: (error: BackendError, until: ContinuousClock.Instant, count: Int)?
        var loginCount = 0
    }

    private let backoff: Backoff
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    /// - Parameters:
    ///   - backoff: Pauses after refused logins.
    ///   - now: The clock's reading; tests pass their own.
    public init(backoff: Backoff = Backoff(), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.backoff = backoff
        self.now = now
    }

    /// Logins started so far (successful or not).
    public var loginCount: Int { state.withLock { $0.loginCount } }

    /// The cached credential (while younger than `renewAfter`), or the result of a shared login.
    /// - Throws: The login's error; during a back-off, the refusal that started it.
    public func credential(renewAfter: Duration? = nil, login: @escaping Login) async throws -> Issued {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Issued, any Error>) in
                enqueue(id, continuation, renewAfter: renewAfter, login: login)
            }
        } onCancel: {
            abandon(id)
        }
    }

    /// Answers `continuation` now (a valid credential, a refusal in force, a cancelled caller) or
    /// queues it for the login under way, starting one if none is.
    private func enqueue(_ id: Int, _ continuation: CheckedContinuation<Issued, any Error>, renewAfter: Duration?,
                         login: @escaping Login) {
        let now = self.now()
        let answer = state.withLock { state -> Result<Issued, any Error>? in
            if Task.isCancelled { return .failure(CancellationError()) }
            if case .ready(let issued) = state.phase {
                guard let renewAfter, now - issued.issuedAt >= renewAfter else { return .success(issued) }
                state.phase = .empty
            }
            if case .empty = state.phase {
                if let refusal = state.refusal, now < refusal.until { return .failure(refusal.error) }
                state.waiters[id] = continuation
                startLogin(login, in: &state)
                return nil
            }
            state.waiters[id] = continuation
            return nil
        }
        if let answer { continuation.resume(with: answer) }
    }

    /// Forgets `issued` if it is still the current credential (after the engine answered 401 to it).
    public func invalidate(_ issued: Issued) {
        state.withLock { state in
            if case .ready(let current) = state.phase, current.generation == issued.generation {
                state.phase = .empty
            }
        }
    }

    /// Removes and returns the current credential and stops a login under way (logout, shutdown).
    @discardableResult
    public func take() -> Credential? {
        state.withLock { state -> Credential? in
            switch state.phase {
            case .ready(let issued):
                state.phase = .empty
                return issued.value
            case .loggingIn(_, let task):
                task.cancel()
                state.phase = .empty
                return nil
            case .empty:
                return nil
            }
        }
    }

    /// When logins may be tried again after a refusal; nil when they may now.
    public var retryAt: ContinuousClock.Instant? {
        let now = self.now()
        return state.withLock { state in
            guard let refusal = state.refusal, now < refusal.until else { return nil }
            return refusal.until
        }
    }

    /// The one login every waiter shares; it outlives any single caller and is cancelled when
    /// no caller waits for it any more (``abandon(_:)``) or on ``take()``.
    private func startLogin(_ login: @escaping Login, in state: inout State) {
        state.generation += 1
        state.loginCount += 1
        let current = state.generation
        let task = Task {
            let result: Result<Credential, any Error>
            do {
                result = .success(try await login())
            } catch {
                result = .failure(error)
            }
            self.finish(generation: current, result)
        }
        state.phase = .loggingIn(generation: current, task: task)
    }

    private func finish(generation finished: Int, _ result: Result<Credential, any Error>) {
        let now = self.now()
        let (pending, outcome) = state.withLock { state -> ([CheckedContinuation<Issued, any Error>], Result<Issued, any Error>?) in
            guard case .loggingIn(let current, _) = state.phase, current == finished else { return ([], nil) }
            let pending = Array(state.waiters.values)
            state.waiters = [:]
            switch result {
            case .success(let value):
                let issued = Issued(value: value, issuedAt: now, generation: finished)
                state.phase = .ready(issued)
                state.refusal = nil
                return (pending, .success(issued))
            case .failure(let error):
                state.phase = .empty
                if let error = error as? BackendError, error.code == .unauthorized || error.code == .forbidden {
                    let count = (state.refusal?.count ?? 0) + 1
                    state.refusal = (error, now + backoff.pause(after: count), count)
                }
                return (pending, .failure(error))
            }
        }
        guard let outcome else { return }
        for continuation in pending { continuation.resume(with: outcome) }
    }

    private func abandon(_ id: Int) {
        let continuation = state.withLock { state -> CheckedContinuation<Issued, any Error>? in
            guard let continuation = state.waiters.removeValue(forKey: id) else { return nil }
            if state.waiters.isEmpty, case .loggingIn(_, let task) = state.phase {
                task.cancel()
                state.phase = .empty
            }
            return continuation
        }
        continuation?.resume(throwing: CancellationError())
    }
}
