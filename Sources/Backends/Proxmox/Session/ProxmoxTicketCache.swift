/// A ticket from `POST /access/ticket`: the `PVEAuthCookie` value and the CSRF token that
/// writes must echo.
struct ProxmoxTicket: Sendable, Hashable {
    let ticket: String
    let csrfToken: String
    /// When the login that produced it finished.
    let issuedAt: ContinuousClock.Instant
    /// Which login produced it, so a stale 401 invalidates only its own ticket.
    let generation: Int
}

/// The ticket of one engine, shared by every request of a backend.
///
/// Callers that need a ticket while none is valid share a single login: the first starts it,
/// the others wait for its outcome. A ticket older than the renewal age is replaced by a fresh
/// login before it is used, well before Proxmox's two-hour expiry. A caller that is cancelled
/// stops waiting at once, and when no caller waits any more the login itself is cancelled.
actor ProxmoxTicketCache {
    typealias Login = @Sendable () async throws -> (ticket: String, csrfToken: String)

    private enum State {
        case empty
        case loggingIn(generation: Int, task: Task<Void, Never>)
        case ready(ProxmoxTicket)
    }

    private var state: State = .empty
    private var waiters: [Int: CheckedContinuation<ProxmoxTicket, any Error>] = [:]
    private var nextWaiter = 0
    private var generation = 0
    /// Logins started so far (successful or not).
    private(set) var loginCount = 0

    /// The cached ticket while it is younger than `renewAfter`, or the result of a (shared) login.
    func ticket(renewAfter: Duration, login: @escaping Login) async throws -> ProxmoxTicket {
        if case .ready(let ticket) = state {
            if ContinuousClock.now - ticket.issuedAt < renewAfter { return ticket }
            state = .empty
        }
        let id = nextWaiter
        nextWaiter += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProxmoxTicket, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                if case .ready(let ticket) = state {
                    continuation.resume(returning: ticket)
                    return
                }
                waiters[id] = continuation
                if case .empty = state { startLogin(login) }
            }
        } onCancel: {
            Task { await self.abandon(id) }
        }
    }

    /// Forgets `ticket` if it is still the current one (after the engine answered 401 to it).
    func invalidate(_ ticket: ProxmoxTicket) {
        if case .ready(let current) = state, current == ticket {
            state = .empty
        }
    }

    /// Forgets the current ticket and stops a login under way (shutdown).
    func clear() {
        if case .loggingIn(_, let task) = state { task.cancel() }
        state = .empty
    }

    private func startLogin(_ login: @escaping Login) {
        generation += 1
        loginCount += 1
        let current = generation
        let task = Task {
            let result: Result<(ticket: String, csrfToken: String), any Error>
            do {
                result = .success(try await login())
            } catch {
                result = .failure(error)
            }
            self.finish(generation: current, result)
        }
        state = .loggingIn(generation: current, task: task)
    }

    private func finish(generation finished: Int, _ result: Result<(ticket: String, csrfToken: String), any Error>) {
        guard case .loggingIn(let current, _) = state, current == finished else { return }
        let pending = waiters
        waiters = [:]
        switch result {
        case .success(let value):
            let ticket = ProxmoxTicket(ticket: value.ticket, csrfToken: value.csrfToken,
                                       issuedAt: ContinuousClock.now, generation: finished)
            state = .ready(ticket)
            for continuation in pending.values { continuation.resume(returning: ticket) }
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
