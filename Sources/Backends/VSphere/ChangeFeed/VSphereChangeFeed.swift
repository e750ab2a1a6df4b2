import Synchronization

/// The session objects the change feed waits on: a property collector of its own, a container
/// view over VMs, hosts and clusters, and one filter on it. Made anew by every
/// ``VSphereBackend/changeCursor()``; a cursor names the setup it came from.
final class VSphereChangeFeed: Sendable {
    struct Setup: Sendable, Hashable {
        /// Counts setups, so a cursor of an earlier one is recognised.
        var id: Int
        var collector: ManagedObjectReference
        var view: ManagedObjectReference
    }

    private let state = Mutex<(next: Int, current: Setup?, sequence: Int)>((1, nil, 0))

    /// The setup in use, if any.
    var current: Setup? { state.withLock { $0.current } }

    /// A new setup's id.
    func nextID() -> Int {
        state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
    }

    /// Makes `setup` the one in use and returns the one it replaces.
    func install(_ setup: Setup) -> Setup? {
        state.withLock { state in
            defer {
                state.current = setup
                state.sequence = 0
            }
            return state.current
        }
    }

    /// How many update sets the setup in use has answered: a cursor carries it, so only the
    /// latest cursor continues the feed (a collector hands each update out once).
    var sequence: Int { state.withLock { $0.sequence } }

    /// Counts one more update set answered by setup `id`; returns the new count.
    func advance(setup id: Int) -> Int {
        state.withLock { state in
            if state.current?.id == id { state.sequence += 1 }
            return state.sequence
        }
    }

    /// Forgets the setup in use and returns it.
    func take() -> Setup? {
        state.withLock { state in
            defer { state.current = nil }
            return state.current
        }
    }

    /// `SETUP:SEQUENCE:VERSION`.
    static func token(setup: Int, sequence: Int, version: String) -> String { "\(setup):\(sequence):\(version)" }

    /// The setup id, update count and collector version of a cursor token.
    static func parse(_ token: String) -> (setup: Int, sequence: Int, version: String)? {
        let parts = token.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let id = Int(parts[0]), let sequence = Int(parts[1]) else { return nil }
        return (id, sequence, String(parts[2]))
    }
}
