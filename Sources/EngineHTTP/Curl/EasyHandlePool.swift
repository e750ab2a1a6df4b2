import NIOConcurrencyHelpers

/// Idle easy handles of one client, reused last-in first-out so that a sequence of requests
/// keeps landing on the handle whose connection is already open.
///
/// `@unchecked Sendable` is safe because the only mutable state, `idle` and `closed`, is read and
/// written under `lock`, and a handle is owned by exactly one party at a time: the pool while it
/// is idle, or the single transfer that checked it out until it checks it back in.
final class EasyHandlePool: @unchecked Sendable {
    private let lock = NIOLock()
    private var idle: [EasyHandle] = []
    private var closed = false

    /// An idle handle, or a new one; `nil` only if libcurl cannot create a handle.
    func checkout() -> EasyHandle? {
        let reused = self.lock.withLock { self.idle.popLast() }
        return reused ?? EasyHandle()
    }

    /// Returns a handle after its transfer; it is reset and kept unless the pool is closed.
    func checkin(_ handle: EasyHandle) {
        handle.reset()
        // If the pool is closed, dropping the last reference frees the handle
        // (curl_easy_cleanup in deinit) on this thread.
        self.lock.withLock {
            guard !self.closed else { return }
            self.idle.append(handle)
        }
    }

    /// Frees all idle handles (and their connections); later checkins are freed too.
    func close() {
        let handles = self.lock.withLock {
            self.closed = true
            defer { self.idle.removeAll() }
            return self.idle
        }
        // Released here, outside the lock, as `handles` goes out of scope.
        _ = handles.count
    }
}
