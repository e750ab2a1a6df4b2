import NIOCore
import Synchronization

/// The open client connections of one listener, with the limit on their number.
///
/// At the limit, a new connection evicts a connection in its lingering close (answered, dropping
/// the rest of a body before closing), the oldest first, or else the connection that has been idle
/// longest (no request being answered); if every connection is busy the new one is turned away.
/// Idle or lingering clients, however many, therefore cannot keep a new client such as a health
/// check out.
///
/// Thread-safe: connections on any event loop register here; the decision is made under a lock
/// and the channels are closed after it.
public final class ConnectionRegistry: Sendable {
    private struct Entry {
        var channel: any Channel
        var busy: Bool
        /// Answered, and dropping the rest of a body before closing: evicted before idle ones.
        var closing = false
        var lastActive: ContinuousClock.Instant
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var evicted = 0
        var refused = 0
    }

    /// Most connections held at once.
    public let limit: Int
    private let state = Mutex(State())

    /// Creates a registry that holds at most `limit` connections (at least 1).
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Connections registered now.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Connections closed so far to make room for a new one.
    public var evictedCount: Int { state.withLock { $0.evicted } }

    /// New connections turned away so far because every connection was busy.
    public var refusedCount: Int { state.withLock { $0.refused } }

    /// What to do with a new connection.
    enum Admission {
        /// Keep it.
        case admitted
        /// Keep it and close this idle one.
        case admittedEvicting(any Channel)
        /// Close it: the limit is reached and every connection is busy.
        case refused
    }

    /// Registers a new connection.
    func open(_ channel: any Channel) -> Admission {
        let now = ContinuousClock.now
        return state.withLock { state in
            if state.entries.count < limit {
                state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, busy: false, lastActive: now)
                return .admitted
            }
            var oldest: (key: ObjectIdentifier, closing: Bool, since: ContinuousClock.Instant)?
            for (key, entry) in state.entries where entry.closing || !entry.busy {
                if let found = oldest, found.closing && !entry.closing { continue }
                if let found = oldest, found.closing == entry.closing, found.since <= entry.lastActive { continue }
                oldest = (key, entry.closing, entry.lastActive)
            }
            guard let oldest, let victim = state.entries.removeValue(forKey: oldest.key) else {
                state.refused += 1
                return .refused
            }
            state.evicted += 1
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, busy: false, lastActive: now)
            return .admittedEvicting(victim.channel)
        }
    }

    /// Marks a connection as answering a request (never evicted) or idle again.
    func setBusy(_ channel: any Channel, _ busy: Bool) {
        mark(channel, busy: busy, closing: false)
    }

    /// Marks a connection as in its lingering close: answered, dropping the rest of a request body
    /// before it closes. It is busy (no idle timeout) but the first to make room for a new one.
    func setClosing(_ channel: any Channel) {
        mark(channel, busy: true, closing: true)
    }

    private func mark(_ channel: any Channel, busy: Bool, closing: Bool) {
        let now = ContinuousClock.now
        state.withLock { state in
            let key = ObjectIdentifier(channel)
            guard state.entries[key] != nil else { return }
            state.entries[key]!.busy = busy
            state.entries[key]!.closing = closing
            state.entries[key]!.lastActive = now
        }
    }

    /// Forgets a closed connection.
    func close(_ channel: any Channel) {
        _ = state.withLock { $0.entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}
