import SimulatorSupport

/// Changes to a simulated cluster "made by someone else" (not through the
/// API a client under test uses), fault injection, and a look at the state
/// for tests. The same operations are served over HTTP under `/__sim/`
/// (see `PVEAdminController`).
///
/// ```swift
/// let cluster = try await SimulatedProxmox.start(options, logger: logger)
/// try cluster.admin.setNodeOnline("pve2", false)     // its VMs report `unknown`
/// cluster.admin.failNextTask(type: "qmclone", exitStatus: "clone failed: no space left on device")
/// try cluster.admin.removeVM(101)
/// ```
public final class SimulatedProxmoxAdmin: Sendable {
    let state: ClusterState

    init(state: ClusterState) {
        self.state = state
    }

    /// A fresh cluster of its own, for tests that build the router themselves
    /// (``ProxmoxSimulatorApplication/buildRouter(_:)-(SimulatedProxmoxAdmin)``).
    public convenience init(_ options: SimulatedProxmoxOptions) {
        self.init(state: ClusterState(options: options))
    }

    /// The cluster's time source (``SimulatedProxmoxOptions/clock``): a test
    /// holding a manual clock advances it to end tasks and expire tickets.
    public var clock: SimulatedClock { state.clock }

    // MARK: VMs

    /// Sets a VM's run state: `running` (the guest agent answers after the
    /// configured delay), `stopped` or `paused`.
    public func setVMStatus(_ vmid: Int, to status: String) throws(SimulatedProxmoxAdminError) {
        guard let runState = PVERunState(rawValue: status) else {
            throw SimulatedProxmoxAdminError(.invalid, "status must be running, stopped or paused, not '\(status)'")
        }
        try change(vmid) { (vm: inout PVEVM, model: ClusterModel, now: Double) throws(SimulatedProxmoxAdminError) in
            if vm.config.isTemplate, runState != .stopped {
                throw SimulatedProxmoxAdminError(.conflict, "VM \(vmid) is a template")
            }
            if runState == .stopped {
                vm.startedAt = nil
                vm.pid = nil
                vm.agentReadyAt = nil
            } else if vm.runState == .stopped {
                vm.startedAt = now
                vm.pid = 900_000 + vmid
                vm.agentReadyAt = now + model.agentDelay
                vm.guestInterfaces = ClusterModel.guestInterfaces(vmid: vmid, config: vm.config)
            }
            vm.runState = runState
        }
    }

    /// Makes a running VM's guest agent stop (or start again) answering.
    public func setGuestAgent(_ vmid: Int, responding: Bool) throws(SimulatedProxmoxAdminError) {
        try change(vmid) { (vm: inout PVEVM, _: ClusterModel, now: Double) throws(SimulatedProxmoxAdminError) in
            vm.agentHung = !responding
            if responding, vm.runState != .stopped, (vm.agentReadyAt ?? .infinity) > now { vm.agentReadyAt = now }
        }
    }

    /// Sets or clears a VM's configuration lock (`backup`, `migrate`, …).
    public func setLock(_ vmid: Int, to lock: String?) throws(SimulatedProxmoxAdminError) {
        try change(vmid) { (vm: inout PVEVM, _: ClusterModel, _: Double) throws(SimulatedProxmoxAdminError) in
            vm.config["lock"] = lock
        }
    }

    /// Sets or clears a VM's `protection` flag: a protected VM cannot be
    /// destroyed (`can't remove VM N - protection mode enabled`).
    public func setProtection(_ vmid: Int, _ protected: Bool) throws(SimulatedProxmoxAdminError) {
        try change(vmid) { (vm: inout PVEVM, _: ClusterModel, _: Double) throws(SimulatedProxmoxAdminError) in
            vm.config["protection"] = protected ? "1" : nil
        }
    }

    /// Puts a volume on a storage that no configuration references (a disk
    /// left behind), as `pvesm alloc` would: `destroy-unreferenced-disks`
    /// removes it with the VM its name gives (`vm-VMID-disk-N`).
    ///
    /// - Parameters:
    ///   - storage: A storage holding images.
    ///   - node: For a local storage, the node whose storage holds it.
    ///   - name: The volume name, `vm-VMID-…`.
    ///   - bytes: Its size.
    /// - Returns: The volume id, `STORAGE:NAME`.
    @discardableResult
    public func addVolume(storage: String, node: String, name: String, bytes: Int) throws(SimulatedProxmoxAdminError) -> String {
        try state.write { (model: inout ClusterModel, _: Double) throws(SimulatedProxmoxAdminError) -> String in
            guard let target = model.storage(storage), target.holdsImages else {
                throw SimulatedProxmoxAdminError(.invalid, "no storage '\(storage)' holding images")
            }
            guard model.node(node) != nil else { throw SimulatedProxmoxAdminError(.notFound, "no node '\(node)'") }
            guard ClusterModel.owner(of: name) != nil, bytes > 0 else {
                throw SimulatedProxmoxAdminError(.invalid, "the name must be vm-VMID-… and the size positive")
            }
            if model.volumeExists("\(storage):\(name)", node: node) {
                throw SimulatedProxmoxAdminError(.conflict, "volume '\(storage):\(name)' already exists")
            }
            return model.allocateVolume(storage: target, node: node, vmid: 0, bytes: bytes, name: name)
        }
    }

    /// The volumes a storage holds as seen from `node`, volume id to size in bytes.
    public func volumes(storage: String, node: String) -> [String: Int] {
        let model = state.snapshot().model
        guard let target = model.storage(storage) else { return [:] }
        let stored = model.volumes[model.location(storage: target, node: node)] ?? [:]
        return Dictionary(uniqueKeysWithValues: stored.map { ("\(storage):\($0.key)", $0.value) })
    }

    /// Removes a VM in any state, with its volumes, as another user would.
    public func removeVM(_ vmid: Int) throws(SimulatedProxmoxAdminError) {
        try state.write { (model: inout ClusterModel, _: Double) throws(SimulatedProxmoxAdminError) in
            guard let vm = model.vms.removeValue(forKey: vmid) else {
                throw SimulatedProxmoxAdminError(.notFound, "no VM \(vmid)")
            }
            model.freeVolumes(of: vm)
        }
    }

    private func change(
        _ vmid: Int,
        _ body: (inout PVEVM, ClusterModel, Double) throws(SimulatedProxmoxAdminError) -> Void
    ) throws(SimulatedProxmoxAdminError) {
        try state.write { (model: inout ClusterModel, now: Double) throws(SimulatedProxmoxAdminError) in
            guard var vm = model.vms[vmid] else { throw SimulatedProxmoxAdminError(.notFound, "no VM \(vmid)") }
            try body(&vm, model, now)
            model.vms[vmid] = vm
        }
    }

    // MARK: Nodes

    /// Takes a node off the cluster (it stops answering; its VMs report
    /// `unknown` in `/cluster/resources`) or brings it back.
    public func setNodeOnline(_ node: String, _ online: Bool) throws(SimulatedProxmoxAdminError) {
        try state.write { (model: inout ClusterModel, _: Double) throws(SimulatedProxmoxAdminError) in
            guard let index = model.nodes.firstIndex(where: { $0.name == node }) else {
                throw SimulatedProxmoxAdminError(.notFound, "no node '\(node)'")
            }
            model.nodes[index].online = online
        }
    }

    // MARK: Tasks and faults

    /// The next `count` tasks of `type` (`qmclone`, `qmstart`, `qmconfig`,
    /// `resize`, `qmstop`, `qmshutdown`, `qmreboot`, `qmpause`, `qmsuspend`,
    /// `qmresume`, `qmdestroy`, …) end with `exitStatus` instead of `OK`,
    /// and change nothing (a failed clone leaves no VM behind, a failed
    /// destroy unlocks the VM); a failed `qmsuspend` frees the saved state
    /// and leaves the VM locked `suspending`, as the real clean-up does.
    public func failNextTask(type: String, exitStatus: String, count: Int = 1) {
        state.write { (model: inout ClusterModel, _: Double) in
            model.pendingTaskFailures[type, default: []] += Array(repeating: exitStatus, count: max(0, count))
        }
    }

    /// Forgets the task failures not yet used; returns how many there were.
    @discardableResult
    public func clearTaskFailures() -> Int {
        state.write { (model: inout ClusterModel, _: Double) in
            defer { model.pendingTaskFailures.removeAll() }
            return model.pendingTaskFailures.values.map(\.count).reduce(0, +)
        }
    }

    /// Adds a fault rule (see ``SimulatedProxmoxFaultRule``).
    public func addFault(_ rule: SimulatedProxmoxFaultRule) {
        state.addFault(rule)
    }

    /// Removes every fault rule; returns how many there were.
    @discardableResult
    public func clearFaults() -> Int {
        state.clearFaults()
    }

    /// The fault rules with their remaining counts.
    public var faults: [SimulatedProxmoxFaultRule] { state.faultRules }

    /// Invalidates every ticket and CSRF token, so clients must log in again.
    public func expireTickets() {
        state.expireTickets()
    }

    // MARK: State

    /// Every VM, by vmid.
    public var vms: [SimulatedProxmoxVM] {
        let model = state.snapshot().model
        return model.vms.keys.sorted().map { Self.describe(model.vms[$0]!) }
    }

    /// One VM, nil when there is none with that vmid.
    public func vm(_ vmid: Int) -> SimulatedProxmoxVM? {
        state.snapshot().model.vms[vmid].map(Self.describe)
    }

    /// Every node.
    public var nodes: [SimulatedProxmoxNode] {
        state.snapshot().model.nodes.map { SimulatedProxmoxNode(name: $0.name, online: $0.online) }
    }

    /// Every task, oldest first.
    public var tasks: [SimulatedProxmoxTask] {
        let model = state.snapshot().model
        return model.taskOrder.compactMap { model.tasks[$0] }.map { task in
            SimulatedProxmoxTask(
                upid: task.upid, node: task.node, type: task.type, id: task.id, user: task.user, exitStatus: task.exitStatus
            )
        }
    }

    static func describe(_ vm: PVEVM) -> SimulatedProxmoxVM {
        SimulatedProxmoxVM(
            vmid: vm.vmid, name: vm.name, node: vm.node, status: vm.runState.rawValue, lock: vm.config.lock,
            isTemplate: vm.config.isTemplate, config: vm.config.values
        )
    }
}
