/// At most `limit` concurrent holders per key (an engine name, a network name, ...).
///
/// Waiters are served in arrival order. Use ``withPermit(for:_:)`` where the work is `Sendable`
/// (a caller cancelled while it waits stops waiting at once, without taking a permit), or
/// ``acquire(_:)`` and ``release(_:)`` around it, releasing on every path.
public actor ConcurrencyLimiter {
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let limit: Int
    private var running: [String: Int] = [:]
    private var waiting: [String: [Waiter]] = [:]
    private var nextWaiter = 0

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` holding a permit for `key`.
    /// - Throws: `CancellationError` when the caller is cancelled before `body` starts (also while
    ///   waiting for the permit), or what `body` throws.
    public func withPermit<T: Sendable>(for key: String, _ body: () async throws -> T) async throws -> T {
        let id = nextWaiter
        nextWaiter += 1
        try await withTaskCancellationHandler {
            try await take(key, id: id)
        } onCancel: {
            Task { await self.abandon(key, id: id) }
        }
        defer { release(key) }
        try Task.checkCancellation()
        return try await body()
    }

    /// Waits for a permit for `key`, whatever happens to the caller (cancellation does not end
    /// the wait: the caller must hold the permit to release it).
    public func acquire(_ key: String) async {
        let id = nextWaiter
        nextWaiter += 1
        // Only ``abandon(_:id:)`` resumes a waiter with an error, and nothing calls it for this id.
        try? await take(key, id: id)
    }

    /// Returns a permit for `key`, handing it to the longest waiter.
    public func release(_ key: String) {
        if var queue = waiting[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[key] = queue.isEmpty ? nil : queue
            next.continuation.resume()
        } else {
            let count = running[key, default: 1] - 1
            running[key] = count > 0 ? count : nil
        }
    }

    /// Waiters queued for `key` now.
    public func waiters(for key: String) -> Int { waiting[key]?.count ?? 0 }

    private func take(_ key: String, id: Int) async throws {
        if running[key, default: 0] < limit {
            running[key, default: 0] += 1
            return
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if Task.isCancelled {
                continuation.resume(throwing: CancellationError())
                return
            }
            waiting[key, default: []].append(Waiter(id: id, continuation: continuation))
        }
    }

    /// Takes a cancelled caller out of the queue; one that already got its permit keeps it
    /// (``withPermit(for:_:)`` then releases it).
    private func abandon(_ key: String, id: Int) {
        guard var queue = waiting[key], let index = queue.firstIndex(where: { $0.id == id }) else { return }
        let waiter = queue.remove(at: index)
        waiting[key] = queue.isEmpty ? nil : queue
        waiter.continuation.resume(throwing: CancellationError())
    }
}
