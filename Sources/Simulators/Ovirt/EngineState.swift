import Foundation
import SimulatorSupport
import Synchronization

/// The mutable state of one simulated engine: its inventory, the SSO tokens
/// it has issued, the changes scheduled by asynchronous commands and the
/// injected faults.
///
/// A `Mutex` guards a small value; readers copy the inventory out (arrays are
/// copy-on-write, so this is cheap) and render without holding the lock, so a
/// large listing never blocks other requests. Writes compute under the lock
/// and render after.
///
/// Asynchronous engine behaviour (a VM in `image_locked` becoming `down`, a
/// disk unlocking, a VM going `wait_for_launch → powering_up → up`, a guest
/// agent reporting addresses) is a list of changes due at a time on the
/// engine's ``SimulatedClock``. Every access first applies the changes that
/// are due, under the same lock, so two reads never disagree about the order
/// of events and no timer task has to be kept alive.
final class EngineState: Sendable {
    /// A change an asynchronous command makes later; `apply` gets the time it was due.
    struct ScheduledChange: Sendable {
        var due: Int64
        var sequence: Int
        var apply: @Sendable (inout EngineInventory, _ now: Int64) -> Void
    }

    struct IssuedToken: Sendable {
        var username: String
        var expiresAt: Int64
    }

    private struct State {
        var inventory: EngineInventory
        var tokens: [String: IssuedToken] = [:]
        var scheduled: [ScheduledChange] = []
        var sequence = 0
        var faults = SimulatedFaultList<SimulatedEngineFaultRule>()

        /// Applies every scheduled change that is due at `now`, oldest first,
        /// then the guest reports that are due, and stores the held events
        /// that are due.
        mutating func settle(now: Int64) {
            inventory.eventLog.release(now: now)
            if let first = scheduled.first, first.due <= now {
                let due = scheduled.prefix { $0.due <= now }
                scheduled.removeFirst(due.count)
                for change in due { change.apply(&inventory, change.due) }
            }
            WriteTransaction.deliverGuestReports(in: &inventory, now: now)
        }
    }

    let options: SimulatedEngineOptions
    /// The engine's time source (``SimulatedEngineOptions/clock``).
    let clock: SimulatedClock
    /// The id of the simulated `admin@internal` user (`authenticated_user`).
    let userID: String
    /// VMs rendered once and reused until they change.
    let renderCache: VMRenderCache
    private let state: Mutex<State>

    init(options: SimulatedEngineOptions) {
        self.options = options
        self.clock = options.clock
        self.userID = StableID(engine: options.name).make("user", 0)
        self.renderCache = VMRenderCache(budget: options.renderCacheBytes)
        let inventory = InventorySeeder(
            engineName: options.name,
            vmCount: options.vmCount,
            hostCount: options.hostCount,
            addressVariant: options.addressVariant
        ).seed()
        self.state = Mutex(State(inventory: inventory, faults: SimulatedFaultList(options.faults)))
    }

    /// The engine's clock in epoch milliseconds, as the engine's dates are.
    func now() -> Int64 {
        clock.milliseconds
    }

    /// A snapshot of the inventory, with every due change applied.
    var inventory: EngineInventory {
        let now = self.now()
        return state.withLock { state in
            state.settle(now: now)
            return state.inventory
        }
    }

    /// Runs a write against the inventory under the lock.
    ///
    /// `body` sees the inventory with every due change applied; what it
    /// schedules on the transaction is kept only when it returns normally, so a
    /// failed command leaves no trace except what ``WriteTransaction/failed``
    /// records. Changes due immediately (a zero delay) are applied before the
    /// lock is released.
    func write<Result, Failure: Error>(
        correlationID: String,
        _ body: (inout WriteTransaction) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let now = self.now()
        return try state.withLock { (state: inout State) throws(Failure) -> Result in
            state.settle(now: now)
            var transaction = WriteTransaction(
                inventory: state.inventory,
                now: now,
                delay: SimulatedClock.milliseconds(options.asyncDelay),
                guestIPDelay: SimulatedClock.milliseconds(options.guestIPDelay),
                correlationID: correlationID,
                engineName: options.name,
                userName: options.username.hasSuffix("@internal") ? options.username + "-authz" : options.username
            )
            let result: Result
            do throws(Failure) {
                result = try body(&transaction)
            } catch {
                // Keep only the failed job and event, as the engine's audit log does.
                var failed = state.inventory
                transaction.recordFailure(into: &failed)
                state.inventory = failed
                throw error
            }
            state.inventory = transaction.inventory
            for change in transaction.scheduled {
                state.sequence += 1
                state.scheduled.append(ScheduledChange(due: change.due, sequence: state.sequence, apply: change.apply))
            }
            state.scheduled.sort { ($0.due, $0.sequence) < ($1.due, $1.sequence) }
            state.settle(now: now)
            return result
        }
    }

    // MARK: Event stream faults

    /// Runs `body` on the audit log under the lock, after applying what is due.
    func withEventLog<Result>(_ body: (inout EventLog) -> Result) -> Result {
        let now = self.now()
        return state.withLock { state in
            state.settle(now: now)
            return body(&state.inventory.eventLog)
        }
    }

    // MARK: Fault injection

    /// The configured fault rules with their remaining counts.
    var faultRules: [SimulatedEngineFaultRule] {
        state.withLock { $0.faults.rules }
    }

    func addFault(_ rule: SimulatedEngineFaultRule) {
        state.withLock { $0.faults.add(rule) }
    }

    /// Removes every rule; returns how many there were.
    @discardableResult
    func clearFaults() -> Int {
        state.withLock { $0.faults.clear() }
    }

    /// The first rule matching a request, with its count taken down by one
    /// (rules used up are dropped).
    func takeFault(method: String, path: String) -> SimulatedEngineFaultRule? {
        state.withLock { $0.faults.take(method: method, path: path) }
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
