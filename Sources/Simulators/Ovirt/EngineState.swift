import Synchronization

/// The mutable state of one simulated engine: its inventory and the SSO
/// tokens it has issued.
///
/// A `Mutex` guards a small value; readers copy the inventory out (arrays are
/// copy-on-write, so this is cheap) and render without holding the lock, so a
/// large listing never blocks other requests. Write operations will follow
/// the same rule: compute under the lock, render after.
final class EngineState: Sendable {
    struct IssuedToken: Sendable {
        var username: String
        var expiresAt: Int64
    }

    private struct State {
        var inventory: OvirtInventory
        var tokens: [String: IssuedToken] = [:]
    }

    let options: SimulatedEngineOptions
    /// The id of the simulated `admin@internal` user (`authenticated_user`).
    let userID: String
    private let state: Mutex<State>

    init(options: SimulatedEngineOptions) {
        self.options = options
        self.userID = StableID(engine: options.name).make("user", 0)
        let inventory = InventorySeeder(
            engineName: options.name,
            vmCount: options.vmCount,
            hostCount: options.hostCount
        ).seed()
        self.state = Mutex(State(inventory: inventory))
    }

    /// A snapshot of the inventory.
    var inventory: OvirtInventory {
        state.withLock { $0.inventory }
    }

    /// Checks a username and password against the configured account.
    func checkCredentials(username: String, password: String) -> Bool {
        username == options.username && password == options.password
    }

    /// Issues a new bearer token for `username`.
    ///
    /// The engine reports `exp` as epoch milliseconds; with no session expiry
    /// configured it is `Long.MAX_VALUE`, which the simulator also uses.
    func issueToken(username: String) -> (token: String, expiresAt: Int64) {
        let token = Self.makeToken()
        let expiresAt = Int64.max
        state.withLock { $0.tokens[token] = IssuedToken(username: username, expiresAt: expiresAt) }
        return (token, expiresAt)
    }

    func isValid(token: String) -> Bool {
        state.withLock { $0.tokens[token] != nil }
    }

    /// Revokes one token; returns whether it existed.
    @discardableResult
    func revoke(token: String) -> Bool {
        state.withLock { $0.tokens.removeValue(forKey: token) != nil }
    }

    /// Invalidates every issued token; returns how many there were.
    @discardableResult
    func expireAllTokens() -> Int {
        state.withLock { state in
            let count = state.tokens.count
            state.tokens.removeAll()
            return count
        }
    }

    private static func makeToken() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var generator = SystemRandomNumberGenerator()
        return String((0..<86).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
