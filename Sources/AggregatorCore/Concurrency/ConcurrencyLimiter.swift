import Synchronization

/// At most `limit` concurrent holders per key (an engine name, a network name, ...).
///
/// Waiters are served in arrival order. Use ``withPermit(for:_:)`` where the work is `Sendable`
/// (a caller cancelled while it waits stops waiting at once, without taking a permit), or
/// ``acquire(_:)`` and ``release(_:)`` around it, releasing on every path.
public final class ConcurrencyLimiter: Sendable {
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var running: [String: Int] = [:]
        var waiting: [String: [Waiter]] = [:]
        var nextWaiter = 0
    }

    private let limit: Int
    private let state = Mutex(State())

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` holding a permit for `key`.
    /// - Throws: `CancellationError` when the caller is cancelled before `body` starts (also while
    ///   waiting for the permit), or what `body` throws.
    public func withPermit<T: Sendable>(for key: String, _ body: () async throws -> T) async throws -> T {
        let id = newWaiterID()
        try await withTaskCancellationHandler {
            try await take(key, id: id)
        } onCancel: {
            abandon(key, id: id)
        }
        defer { release(key) }
        try Task.checkCancellation()
        return try await body()
    }

    /// Waits for a permit for `key`, whatever happens to the caller (cancellation does not end
    /// the wait: the caller must hold the permit to release it).
    public func acquire(_ key: String) async {
        // Only ``abandon(_:id:)`` resumes a waiter with an error, and nothing calls it for this id.
        try? await take(key, id: newWaiterID())
    }

    /// Returns a permit for `key`, handing it to the longest waiter.
    public func release(_ key: String) {
        let next = state.withLock { state -> Waiter? in
            if var queue = state.waiting[key], !queue.isEmpty {
                let next = queue.removeFirst()
                state.waiting[key] = queue.isEmpty ? nil : queue
                return next
            }
            let count = state.running[key, default: 1] - 1
            state.running[key] = count > 0 ? count : nil
            return nil
        }
        next?.continuation.resume()
    }

    /// Waiters queued for `key` now.
    public func waiters(for key: String) -> Int { state.withLock { $0.waiting[key]?.count ?? 0 } }

    private func newWaiterID() -> Int {
        state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
    }

    private func take(_ key: String, id: Int) async throws {
        let granted = state.withLock { state -> Bool in
            guard state.running[key, default: 0] < limit else { return false }
            state.running[key, default: 0] += 1
            return true
        }
        if granted { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // Under the lock that `abandon` takes too: a cancellation either finds the waiter
            // queued, or comes first and is seen here.
            let cancelled = state.withLock { state -> Bool in
                if Task.isCancelled { return true }
                if state.running[key, default: 0] < limit {
                    state.running[key, default: 0] += 1
                    continuation.resume()
                    return false
                }
                state.waiting[key, default: []].append(Waiter(id: id, continuation: continuation))
                return false
            }
            if cancelled { continuation.resume(throwing: CancellationError()) }
        }
    }

    /// Takes a cancelled caller out of the queue; one that already got its permit keeps it
    /// (``withPermit(for:_:)`` then releases it).
    private func abandon(_ key: String, id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard var queue = state.waiting[key], let index = queue.firstIndex(where: { $0.id == id }) else { return nil }
            let waiter = queue.remove(at: index)
            state.waiting[key] = queue.isEmpty ? nil : queue
            return waiter
        }
        waiter?.continuation.resume(throwing: CancellationError())
    }
}
