import SimulatorSupport
/// Changes to a simulated engine "made by someone else": not through the
/// REST API a client under test uses, but as another user or the engine
/// itself would make them. Each change writes the audit log entry the real
/// engine writes, so clients following `GET /events` see it. The same
/// operations are served over HTTP under `/__sim/` (see
/// `SimulatorAdminController`).
///
/// ```swift
/// let engine = try await SimulatedEngine.start(options, logger: logger)
/// let vm = try engine.admin.addVM(name: "batch-01", status: "up", ip: "10.1.2.3")
/// try engine.admin.migrateVM(vm.id, to: "e15-test-host02")
/// engine.admin.dropEvents(1)        // the next event's index is never stored
/// try engine.admin.removeVM("batch-01")
/// ```
///
/// VMs, hosts and clusters are named by id or by name.
public final class SimulatedEngineAdmin: Sendable {
    let state: EngineState

    init(state: EngineState) {
        self.state = state
    }

    /// A fresh engine of its own, for tests that build the router themselves
    /// (``OvirtSimulatorApplication/buildRouter(_:)-(SimulatedEngineAdmin)``).
    public convenience init(_ options: SimulatedEngineOptions) {
        self.init(state: EngineState(options: options))
    }

    /// The engine's time source (``SimulatedEngineOptions/clock``): a test
    /// holding a manual clock advances it to let asynchronous work finish.
    public var clock: SimulatedClock { state.clock }

    /// The correlation id admin changes carry in their events.
    public static let correlationID = "simulator-admin"

    private func change<Result>(
        _ body: (inout WriteTransaction) throws(SimulatedEngineAdminError) -> Result
    ) throws(SimulatedEngineAdminError) -> Result {
        try state.write(correlationID: Self.correlationID, body)
    }

    // MARK: VMs

    /// Adds a VM (one NIC on the cluster's management network, one disk),
    /// writing event 34; an `up` VM gets a host and event 153.
    ///
    /// - Parameters:
    ///   - name: The VM name; it must be unused.
    ///   - cluster: Cluster id or name; the first cluster when nil.
    ///   - status: Any `VmStatus` value; `down` by default.
    ///   - host: Host id or name for a running status; the least loaded host that is up when nil.
    ///   - ip: The IPv4 address the guest reports on its NIC once up.
    ///   - deleteProtected: Whether the VM is created with `delete_protected` set.
    /// - Returns: The new VM's id and name.
    @discardableResult
    public func addVM(
        name: String,
        cluster: String? = nil,
        status: String = "down",
        host: String? = nil,
        ip: String? = nil,
        deleteProtected: Bool = false
    ) throws(SimulatedEngineAdminError) -> SimulatedObject {
        let vm = try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in
            let vm = try tx.adminAddVM(name: name, cluster: cluster, status: status, host: host, ip: ip)
            if deleteProtected, let index = tx.inventory.vms.firstIndex(where: { $0.id == vm.id }) {
                tx.inventory.vms[index].deleteProtected = true
            }
            return vm
        }
        return SimulatedObject(id: vm.id, name: vm.name)
    }

    /// Sets a VM's status: running statuses give it a host (`host`, or the
    /// least loaded one), `down`, `suspended` and `image_locked` take it away.
    /// Events: 153 up, 33 down, 512 suspended, 1025 paused, 126 not
    /// responding, 163 otherwise. Setting the status it has changes nothing.
    public func setVMStatus(_ vm: String, to status: String, host: String? = nil) throws(SimulatedEngineAdminError) {
        try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in
            try tx.adminSetVMStatus(vm, to: status, host: host)
        }
    }

    /// Moves a running VM to another host of its cluster, writing events 62 then 63.
    public func migrateVM(_ vm: String, to host: String) throws(SimulatedEngineAdminError) {
        try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in try tx.adminMigrateVM(vm, to: host) }
    }

    /// Removes a VM in any status, with its disks, writing event 113.
    public func removeVM(_ vm: String) throws(SimulatedEngineAdminError) {
        try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in try tx.adminRemoveVM(vm) }
    }

    /// Sets or clears a VM's `delete_protected` flag, as an edit made
    /// elsewhere (event 35 when it changes). While set, `DELETE /vms/{id}`
    /// is refused with the engine's "Delete protection is enabled" fault.
    public func setDeleteProtected(_ vm: String, _ enabled: Bool) throws(SimulatedEngineAdminError) {
        try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in try tx.adminSetDeleteProtected(vm, enabled) }
    }

    /// Holds the VM's exclusive lock, as another operation running on it
    /// would, until ``unlockVM(_:)``: start, suspend and remove are refused
    /// with 409 "Cannot run VM. Related operation is currently in progress.
    /// Please try again later." (`ACTION_TYPE_FAILED_OBJECT_LOCKED`); stop,
    /// shutdown and reboot take no lock and still run. For the status-based
    /// lock ("VM is locked"), set the status `image_locked` instead.
    public func lockVM(_ vm: String) throws(SimulatedEngineAdminError) {
        try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in try tx.adminHoldVM(vm, true) }
    }

    /// Releases the lock ``lockVM(_:)`` took.
    public func unlockVM(_ vm: String) throws(SimulatedEngineAdminError) {
        try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in try tx.adminHoldVM(vm, false) }
    }

    // MARK: Hosts

    /// Sets a host's status (any `HostStatus` value), writing 15 for
    /// `maintenance`, 16 and 13 for `up`, 12 for `non_responsive`, 517 for
    /// `non_operational`, 13 otherwise. VMs on the host are left as they are.
    public func setHostStatus(_ host: String, to status: String) throws(SimulatedEngineAdminError) {
        try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in try tx.adminSetHostStatus(host, to: status) }
    }

    /// Adds an up host to a cluster (the first when nil), writing event 42.
    @discardableResult
    public func addHost(name: String, cluster: String? = nil) throws(SimulatedEngineAdminError) -> SimulatedObject {
        let host = try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in
            try tx.adminAddHost(name: name, cluster: cluster)
        }
        return SimulatedObject(id: host.id, name: host.name)
    }

    /// Removes a host no VM runs on, writing event 44.
    public func removeHost(_ host: String) throws(SimulatedEngineAdminError) {
        try change { (tx: inout WriteTransaction) throws(SimulatedEngineAdminError) in try tx.adminRemoveHost(host) }
    }

    // MARK: Event stream faults

    /// The next `count` events get an index but are never stored: a hole that never fills.
    public func dropEvents(_ count: Int) {
        state.withEventLog { $0.dropCount = max(0, count) }
    }

    /// The next `count` events are stored only after the event that follows
    /// them, and `delay` after that one: a client polling in between sees
    /// the later index first; the held events then appear with their lower indexes.
    public func holdEvents(_ count: Int, delay: Duration = .seconds(2)) {
        let milliseconds = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        state.withEventLog { log in
            log.holdCount = max(0, count)
            log.holdDelay = max(0, milliseconds)
        }
    }

    /// Forgets every stored event, as an engine that no longer holds them;
    /// new events keep increasing indexes. Returns how many were forgotten.
    @discardableResult
    public func purgeEvents() -> Int {
        state.withEventLog { $0.purge() }
    }

    /// Forgets every event and numbers new ones from `nextIndex`, so indexes
    /// go backwards, as after an engine restore. Returns how many were forgotten.
    @discardableResult
    public func resetEvents(nextIndex: Int) -> Int {
        state.withEventLog { $0.reset(nextIndex: nextIndex) }
    }

    /// The highest stored event index, nil when the log is empty.
    public var lastEventIndex: Int? {
        state.withEventLog { $0.lastIndex }
    }

    /// The index the next event will get.
    public var nextEventIndex: Int {
        state.withEventLog { $0.nextIndex }
    }
}

/// A VM or host the admin interface created.
public struct SimulatedObject: Sendable, Hashable {
    /// The engine's id of the object.
    public var id: String
    /// Its name.
    public var name: String
}
