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

    private let state = Mutex<(next: Int, current: Setup?)>((1, nil))

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
            defer { state.current = setup }
            return state.current
        }
    }

    /// Forgets the setup in use and returns it.
    func take() -> Setup? {
        state.withLock { state in
            defer { state.current = nil }
            return state.current
        }
    }

    /// `ID:VERSION`.
    static func token(setup: Int, version: String) -> String { "\(setup):\(version)" }

    /// The setup id and collector version of a cursor token.
    static func parse(_ token: String) -> (setup: Int, version: String)? {
        guard let colon = token.firstIndex(of: ":"), let id = Int(token[..<colon]) else { return nil }
        return (id, String(token[token.index(after: colon)...]))
    }
}
