import SimulatorSupport
import Synchronization

/// The mutable state of one simulated cluster: its model, the ticket key,
/// and the injected faults, behind one `Mutex`.
///
/// Tasks end at a time on the cluster's ``SimulatedClock``; every access
/// first ends the tasks that are due, under the same lock, so two reads never disagree about what
/// has happened and no timer has to be kept alive. Readers copy the model
/// out (copy-on-write) and render without holding the lock.
final class ClusterState: Sendable {
    private struct State {
        var model: ClusterModel
        var tickets: TicketAuthority
        var faults: SimulatedFaultList<SimulatedProxmoxFaultRule>
    }

    let options: SimulatedProxmoxOptions
    /// The cluster's time source (``SimulatedProxmoxOptions/clock``).
    let clock: SimulatedClock
    /// Seconds a task runs.
    let taskDuration: Double
    private let state: Mutex<State>

    init(options: SimulatedProxmoxOptions) {
        self.options = options
        self.clock = options.clock
        self.taskDuration = options.taskDelay.seconds
        let model = InventorySeeder(options: options, now: options.clock.seconds).seed()
        self.state = Mutex(State(model: model, tickets: TicketAuthority(lifetime: options.ticketLifetime), faults: SimulatedFaultList(options.faults)))
    }

    /// The cluster's clock in epoch seconds, as the API's dates are.
    func now() -> Double {
        clock.seconds
    }

    /// A snapshot of the model with every due task ended, and the time it was taken.
    func snapshot() -> (model: ClusterModel, now: Double) {
        let now = self.now()
        return state.withLock { state in
            state.model.settle(now: now)
            return (state.model, now)
        }
    }

    /// Runs a change against the model under the lock. The change sees
    /// every due task ended; it is kept only when `body` returns normally.
    func write<Result, Failure: Error>(
        _ body: (inout ClusterModel, Double) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let now = self.now()
        return try state.withLock { (state: inout State) throws(Failure) -> Result in
            state.model.settle(now: now)
            var model = state.model
            let result = try body(&model, now)
            state.model = model
            return result
        }
    }

    // MARK: Tickets

    /// A new ticket and CSRF token for `user`.
    func issueTicket(for user: String) -> (ticket: String, csrfToken: String) {
        let now = self.now()
        return state.withLock { state in
            (state.tickets.ticket(for: user, now: now), state.tickets.csrfToken(for: user, now: now))
        }
    }

    func user(ofTicket ticket: String) -> String? {
        let now = self.now()
        return state.withLock { $0.tickets.verify(ticket: ticket, now: now) }
    }

    func isValid(csrfToken token: String, user: String) -> Bool {
        let now = self.now()
        return state.withLock { $0.tickets.verify(csrfToken: token, user: user, now: now) }
    }

    /// Invalidates every ticket and CSRF token issued so far.
    func expireTickets() {
        state.withLock { $0.tickets.rotate() }
    }

    // MARK: Faults

    var faultRules: [SimulatedProxmoxFaultRule] {
        state.withLock { $0.faults.rules }
    }

    func addFault(_ rule: SimulatedProxmoxFaultRule) {
        state.withLock { $0.faults.add(rule) }
    }

    /// Removes every rule; returns how many there were.
    @discardableResult
    func clearFaults() -> Int {
        state.withLock { $0.faults.clear() }
    }

    /// The first rule matching a request, with its count taken down by one.
    func takeFault(method: String, path: String) -> SimulatedProxmoxFaultRule? {
        state.withLock { $0.faults.take(method: method, path: path) }
    }
}
