/// The SSO token of one engine, shared by every request of a backend.
///
/// Callers that need a token while none is cached share a single login: the first starts it,
/// the others wait for its outcome. A caller that is cancelled stops waiting at once (so a
/// fan-out timeout is never held up by a login), and when no caller waits any more the login
/// itself is cancelled.
actor OvirtTokenCache {
    /// A token together with the login that produced it, so a stale 401 invalidates only its own token.
    struct Token: Sendable, Hashable {
        let value: String
        let generation: Int
    }

    typealias Login = @Sendable () async throws -> String

    private enum State {
        case empty
        case loggingIn(generation: Int, task: Task<Void, Never>)
        case ready(Token)
    }

    private var state: State = .empty
    private var waiters: [Int: CheckedContinuation<Token, any Error>] = [:]
    private var nextWaiter = 0
    private var generation = 0
    /// Logins started so far (successful or not).
    private(set) var loginCount = 0

    /// The cached token, or the result of a (shared) login.
    func token(login: @escaping Login) async throws -> Token {
        if case .ready(let token) = state { return token }
        let id = nextWaiter
        nextWaiter += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Token, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                if case .ready(let token) = state {
                    continuation.resume(returning: token)
                    return
                }
                waiters[id] = continuation
                if case .empty = state { startLogin(login) }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    /// Forgets `token` if it is still the current one (after the engine answered 401 to it).
    func invalidate(_ token: Token) {
        if case .ready(let current) = state, current == token {
            state = .empty
        }
    }

    /// Removes and returns the current token, for logout.
    func take() -> String? {
        switch state {
        case .ready(let token):
            state = .empty
            return token.value
        case .loggingIn(_, let task):
            task.cancel()
            state = .empty
            return nil
        case .empty:
            return nil
        }
    }

    private func startLogin(_ login: @escaping Login) {
        generation += 1
        loginCount += 1
        let current = generation
        let task = Task {
            let result: Result<String, any Error>
            do {
                result = .success(try await login())
            } catch {
                result = .failure(error)
            }
            self.finish(generation: current, result)
        }
        state = .loggingIn(generation: current, task: task)
    }

    private func finish(generation finished: Int, _ result: Result<String, any Error>) {
        guard case .loggingIn(let current, _) = state, current == finished else { return }
        let pending = waiters
        waiters = [:]
        switch result {
        case .success(let value):
            let token = Token(value: value, generation: finished)
            state = .ready(token)
            for continuation in pending.values { continuation.resume(returning: token) }
        case .failure(let error):
            state = .empty
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
