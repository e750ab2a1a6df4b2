import AggregatorCore

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
public actor SharedLogin<Credential: Sendable> {
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

    private enum State {
        case empty
        case loggingIn(generation: Int, task: Task<Void, Never>)
        case ready(Issued)
    }

    private let backoff: Backoff
    private let now: @Sendable () -> ContinuousClock.Instant
    private var state: State = .empty
    private var waiters: [Int: CheckedContinuation<Issued, any Error>] = [:]
    private var nextWaiter = 0
    private var generation = 0
    /// The last refusal and when logins may be tried again.
    private var refusal: (error: BackendError, until: ContinuousClock.Instant, count: Int)?
    /// Logins started so far (successful or not).
    public private(set) var loginCount = 0

    /// - Parameters:
    ///   - backoff: Pauses after refused logins.
    ///   - now: The clock's reading; tests pass their own.
    public init(backoff: Backoff = Backoff(), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.backoff = backoff
        self.now = now
    }

    /// The cached credential (while younger than `renewAfter`), or the result of a shared login.
    /// - Throws: The login's error; during a back-off, the refusal that started it.
    public func credential(renewAfter: Duration? = nil, login: @escaping Login) async throws -> Issued {
        if case .ready(let issued) = state {
            guard let renewAfter, now() - issued.issuedAt >= renewAfter else { return issued }
            state = .empty
        }
        if case .empty = state, let refusal, now() < refusal.until {
            throw refusal.error
        }
        let id = nextWaiter
        nextWaiter += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Issued, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                switch state {
                case .ready(let issued):
                    continuation.resume(returning: issued)
                case .empty:
                    if let refusal, now() < refusal.until {
                        continuation.resume(throwing: refusal.error)
                        return
                    }
                    waiters[id] = continuation
                    startLogin(login)
                case .loggingIn:
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    /// Forgets `issued` if it is still the current credential (after the engine answered 401 to it).
    public func invalidate(_ issued: Issued) {
        if case .ready(let current) = state, current.generation == issued.generation {
            state = .empty
        }
    }

    /// Removes and returns the current credential and stops a login under way (logout, shutdown).
    @discardableResult
    public func take() -> Credential? {
        switch state {
        case .ready(let issued):
            state = .empty
            return issued.value
        case .loggingIn(_, let task):
            task.cancel()
            state = .empty
            return nil
        case .empty:
            return nil
        }
    }

    /// When logins may be tried again after a refusal; nil when they may now.
    public var retryAt: ContinuousClock.Instant? {
        guard let refusal, now() < refusal.until else { return nil }
        return refusal.until
    }

    private func startLogin(_ login: @escaping Login) {
        generation += 1
        loginCount += 1
        let current = generation
        let task = Task {
            let result: Result<Credential, any Error>
            do {
                result = .success(try await login())
            } catch {
                result = .failure(error)
            }
            self.finish(generation: current, result)
        }
        state = .loggingIn(generation: current, task: task)
    }

    private func finish(generation finished: Int, _ result: Result<Credential, any Error>) {
        guard case .loggingIn(let current, _) = state, current == finished else { return }
        let pending = waiters
        waiters = [:]
        switch result {
        case .success(let value):
            let issued = Issued(value: value, issuedAt: now(), generation: finished)
            state = .ready(issued)
            refusal = nil
            for continuation in pending.values { continuation.resume(returning: issued) }
        case .failure(let error):
            state = .empty
            if let error = error as? BackendError, error.code == .unauthorized || error.code == .forbidden {
                let count = (refusal?.count ?? 0) + 1
                refusal = (error, now() + backoff.pause(after: count), count)
            }
            for continuation in pending.values { continuation.resume(throwing: error) }
        }
    }

    private func abandon(_ id: Int) {
        guard let continuation = waiters.removeValue(forKey: id) else { return }
        continuation.resume(throwing: CancellationError())
        if waiters.isEmpty, case .loggingIn(_, let task) = state {
            task.cancel()
            state = .empty
        }
    }
}
