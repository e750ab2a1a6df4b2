import Foundation

/// Starting, stopping, shutting down, rebooting and suspending VMs, as the
/// engine's `RunVmCommand`, `StopVmCommand`, `ShutdownVmCommand`,
/// `RebootVmCommand` and `HibernateVmCommand` validate and run them, with the
/// statuses the engine's VM monitoring then reports and the audit log entries
/// both write (codes from `AuditLogType`, texts from `AuditLogMessages.properties`).
extension WriteTransaction {
    // MARK: VM actions

    /// `VMStatus.isRunning()`: the statuses in which a VM surely runs on a host.
    static let surelyRunningStatuses: Set<String> = [
        "up", "powering_down", "powering_up", "migrating", "wait_for_launch", "reboot_in_progress",
    ]

    /// Statuses `ActionUtils`' matrix refuses `RunVm` in (`ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL`).
    static let statusesRefusingRun: Set<String> = [
        "up", "wait_for_launch", "powering_up", "powering_down", "reboot_in_progress", "migrating",
        "saving_state", "restoring_state", "image_illegal",
    ]

    /// `" (Reason: X)"` for an action's `reason`, as `${OptionalReason}` is filled; empty otherwise.
    static func optionalReason(_ action: RequestNode) -> String {
        guard let reason = action.string("reason"), !reason.isEmpty else { return "" }
        return " (Reason: \(reason))"
    }

    /// Refuses a command that takes the VM's exclusive lock while another
    /// operation holds it (the admin interface's lock): the lock is taken
    /// before validation, so this comes first.
    func checkNotHeld(_ vm: SimVM, action: String) throws(EngineFault) {
        if inventory.heldVMIDs.contains(vm.id) {
            throw .conflict(EngineMessages.objectLocked(action: action, type: "VM"))
        }
    }

    /// `RunVmCommand` (`POST /vms/{id}/start`): a down VM goes `wait_for_launch`
    /// (event 153 `USER_STARTED_VM`), `powering_up` one delay later and `up`
    /// two delays later (event 32 `USER_RUN_VM`, logged by `runningSucceded`,
    /// which also ends the job). A suspended VM is restored: `restoring_state`,
    /// then `up`. A paused VM is resumed at once (event 40).
    mutating func start(vm vmID: String, _ action: RequestNode) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        var vm = inventory.vms[index]
        beginJob("Launching VM \(vm.name)")
        try checkNotHeld(vm, action: "run")
        if vm.status == "paused", let hostID = vm.hostID {
            // RunVmFlow.RESUME_PAUSE: only the host's status is checked.
            inventory.vms[index].status = "up"
            let hostName = inventory.host(hostID)?.name ?? "N/A"
            vmEvent(40, "VM \(vm.name) was resumed by \(userName) (Host: \(hostName)).", vm: vm)
            return commitJob()
        }
        // RunVmValidator.canRunVm, in its order.
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "run", type: "VM")) }
        if Self.statusesRefusingRun.contains(vm.status) {
            throw .conflict(
                EngineMessages.vmStatusIllegal(action: "run", type: "VM", status: EngineMessages.localizedStatus(vm.status))
            )
        }
        if vm.status == "not_responding" || vm.status == "unknown" { throw .conflict(EngineMessages.vmRunning(action: "run")) }
        let locked = vm.diskAttachments.compactMap { inventory.disk($0.diskID) }.filter { $0.status == "locked" }.map(\.name)
        if !locked.isEmpty { throw .conflict(EngineMessages.disksLocked(action: "run", aliases: locked)) }

        let candidates = inventory.hosts.filter { $0.clusterID == vm.clusterID && $0.status == "up" }
        let load = Dictionary(grouping: inventory.vms.compactMap(\.hostID), by: { $0 }).mapValues(\.count)
        let host = candidates.min { (load[$0.id] ?? 0, $0.name) < (load[$1.id] ?? 0, $1.name) }
        guard let host else {
            throw .conflict("Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:")
        }
        let restoring = vm.status == "suspended"
        let runOnce = Self.initialization(from: action.child("vm.initialization"))
        vm.runOnceInitialization = runOnce
        vm.runOnce = action.child("vm") != nil
        vm.status = restoring ? "restoring_state" : "wait_for_launch"
        vm.hostID = host.id
        vm.startTime = now
        vm.stopTime = nil
        inventory.vms[index] = vm
        vmEvent(153, "VM \(vm.name) was started by \(userName) (Host: \(host.name)).", vm: vm)
        let startTime = now
        let correlationID = self.correlationID
        let engineName = self.engineName
        let guestIPDelay = self.guestIPDelay
        if !restoring {
            later(1) { inventory, _ in
                guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].startTime == startTime,
                    inventory.vms[index].status == "wait_for_launch"
                else { return }
                inventory.vms[index].status = "powering_up"
            }
        }
        return commitJob(finishAfter: 2) { inventory, now in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].startTime == startTime,
                ["wait_for_launch", "powering_up", "restoring_state"].contains(inventory.vms[index].status)
            else { return }
            var vm = inventory.vms[index]
            vm.status = "up"
            let initialization = vm.runOnceInitialization ?? vm.initialization
            vm.fqdn = initialization?.hostName ?? "\(vm.name).\(engineName).lab.local"
            inventory.vms[index] = vm
            WriteTransaction.reportGuest(ofVMAt: index, in: &inventory, upAt: now, delay: guestIPDelay)
            WriteTransaction.appendVMEvent(
                to: &inventory, code: 32, description: "VM \(vm.name) started on Host \(host.name)", time: now,
                correlationID: correlationID, vm: vm
            )
        }
    }

    // MARK: Guest agent

    /// The guest agent of the VM at `index`, which went up at `upAt`, reports
    /// its addresses: at once, or `delay` ms later when the VM is still in
    /// the same run then. Neither writes an audit log entry, as on the engine.
    static func reportGuest(ofVMAt index: Int, in inventory: inout EngineInventory, upAt: Int64, delay: Int64) {
        let vm = inventory.vms[index]
        guard delay > 0 else {
            inventory.vms[index].reportedDevices = reportedDevices(for: vm, addresses: inventory.addresses)
            return
        }
        inventory.vms[index].reportedDevices = []
        inventory.pendingGuestReports.append(PendingGuestReport(vmID: vm.id, startTime: vm.startTime, due: upAt + delay))
    }

    /// Delivers the guest reports due at `now` to VMs still running the run
    /// they were made for; the others are forgotten.
    static func deliverGuestReports(in inventory: inout EngineInventory, now: Int64) {
        guard inventory.pendingGuestReports.contains(where: { $0.due <= now }) else { return }
        var waiting: [PendingGuestReport] = []
        for report in inventory.pendingGuestReports {
            guard report.due <= now else {
                waiting.append(report)
                continue
            }
            guard let index = inventory.vms.firstIndex(where: { $0.id == report.vmID }) else { continue }
            let vm = inventory.vms[index]
            guard vm.startTime == report.startTime, vm.hostID != nil, vm.reportedDevices.isEmpty else { continue }
            inventory.vms[index].reportedDevices = reportedDevices(for: vm, addresses: inventory.addresses)
        }
        inventory.pendingGuestReports = waiting
    }

    /// What the guest agent reports once the VM is up: one device per NIC
    /// with the static address of the matching nic configuration of the run
    /// (or the persisted one), by order, or else the address the engine's
    /// DHCP gives the NIC's MAC; IPv6 is the MAC's link-local address.
    static func reportedDevices(for vm: SimVM, addresses: AddressPlan) -> [SimReportedDevice] {
        let initialization = vm.runOnceInitialization ?? vm.initialization
        let configurations = initialization?.nicConfigurations ?? []
        return vm.nics.enumerated().map { offset, nic in
            let configuration = offset < configurations.count ? configurations[offset] : nil
            let ipv4 = configuration?.address ?? (offset == 0 ? vm.guestIPv4 : nil) ?? addresses.guestAddress(mac: nic.mac)
            let ipv6 = AddressPlan.linkLocalAddress(mac: nic.mac)
            return SimReportedDevice(
                id: StableID(engine: vm.id).make("reporteddevice", offset),
                name: configuration?.name ?? "eth\(offset)",
                mac: nic.mac,
                ipv4: ipv4,
                ipv6: ipv6
            )
        }
    }

    /// `StopVmCommandBase.validate`: a VM that is neither running nor paused,
    /// not responding or suspended cannot be stopped or shut down.
    func checkStoppable(_ vm: SimVM, action: String) throws(EngineFault) {
        let stoppable = Self.surelyRunningStatuses.contains(vm.status) || ["paused", "not_responding", "suspended"].contains(vm.status)
        guard !stoppable else { return }
        if vm.status == "saving_state" || vm.status == "restoring_state" {
            throw .conflict(EngineMessages.vmSavingRestoring(action: action))
        }
        throw .conflict(EngineMessages.vmNotRunning(action: action))
    }

    /// `StopVmCommand` (`POST /vms/{id}/stop`, power off): the VM is `down`
    /// at once, with event 33 `USER_STOP_VM` and then the monitoring's 61
    /// `VM_DOWN` (inside the power-off window its exit message is blank). A
    /// down VM is skipped, successfully, with event 254; a suspended VM has
    /// its saved state cleared (111).
    mutating func stop(vm vmID: String, _ action: RequestNode) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        let reason = Self.optionalReason(action)
        beginJob("Stopping VM \(vm.name)")
        if vm.status == "down" {
            vmEvent(254, "VM \(vm.name) is already Down, Stop VM was skipped. User: \(userName).", vm: vm)
            return commitJob()
        }
        try checkStoppable(vm, action: "stop")
        powerOff(at: index, event: 33, ungracefully: false, reason: reason)
        return commitJob()
    }

    /// Powers off the VM at `index` as `StopVmCommand` does: 111 for a
    /// suspended VM, else `event` (33 `USER_STOP_VM`, or 76
    /// `USER_STOPPED_VM_INSTEAD_OF_SHUTDOWN` when a shutdown could not be
    /// graceful) and the monitoring's 61.
    private mutating func powerOff(at index: Int, event code: Int, ungracefully: Bool, reason: String) {
        let vm = inventory.vms[index]
        if vm.status == "suspended" {
            Self.powerOff(&inventory.vms[index], at: now)
            vmEvent(111, "Suspended VM \(vm.name) has had its save state cleared by \(userName)\(reason).", vm: vm)
            return
        }
        let hostName = inventory.host(vm.hostID)?.name ?? "N/A"
        Self.powerOff(&inventory.vms[index], at: now)
        let text = ungracefully
            ? "VM \(vm.name) was powered off ungracefully by \(userName) (Host: \(hostName))\(reason)."
            : "VM \(vm.name) powered off by \(userName) (Host: \(hostName))\(reason)."
        vmEvent(code, text, vm: vm)
        Self.appendVMEvent(
            to: &inventory, code: 61, description: "VM \(vm.name) is down.  ", time: now, correlationID: "", vm: vm, fromMonitoring: true
        )
    }

    /// `ShutdownVmCommand` (`POST /vms/{id}/shutdown`): an `up` VM (ACPI is
    /// on for every simulated VM) goes `powering_down` with event 73 and the
    /// job ends; one delay later the monitoring finds it `down` (61). A VM in
    /// another running status cannot be shut down gracefully and is powered
    /// off instead (76). Down: skipped (254); suspended: saved state cleared (111).
    mutating func shutdown(vm vmID: String, _ action: RequestNode) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        let reason = Self.optionalReason(action)
        beginJob("Shutting down VM \(vm.name)")
        if vm.status == "down" {
            vmEvent(254, "VM \(vm.name) is already Down, Shutdown VM was skipped. User: \(userName).", vm: vm)
            return commitJob()
        }
        try checkStoppable(vm, action: "shutdown")
        guard vm.status == "up" else {
            powerOff(at: index, event: 76, ungracefully: true, reason: reason)
            return commitJob()
        }
        let hostName = inventory.host(vm.hostID)?.name ?? "N/A"
        inventory.vms[index].status = "powering_down"
        vmEvent(73, "VM shutdown initiated by \(userName) on VM \(vm.name) (Host: \(hostName))\(reason).", vm: vm)
        let startTime = vm.startTime
        let name = vm.name
        later(1) { inventory, now in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].status == "powering_down",
                inventory.vms[index].startTime == startTime
            else { return }
            let running = inventory.vms[index]
            WriteTransaction.powerOff(&inventory.vms[index], at: now)
            WriteTransaction.appendVMEvent(
                to: &inventory, code: 61, description: "VM \(name) is down. Exit message: User shut down from within the guest",
                time: now, correlationID: "", vm: running, fromMonitoring: true
            )
        }
        return commitJob()
    }

    /// `RebootVmCommand` (`POST /vms/{id}/reboot`, a warm reboot): an `up`
    /// or `powering_up` VM goes `reboot_in_progress` with event 157 and the
    /// job ends; one delay later the monitoring reports it `up` again, with no
    /// event (the engine logs none for the guest coming back).
    mutating func reboot(vm vmID: String) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        beginJob("Rebooting VM \(vm.name)")
        guard vm.status == "up" || vm.status == "powering_up" else {
            throw .conflict(
                EngineMessages.vmStatusIllegal(action: "restart", type: "VM", status: EngineMessages.localizedStatus(vm.status))
            )
        }
        inventory.vms[index].status = "reboot_in_progress"
        vmEvent(157, "VM \(vm.name) is rebooting. Rebooted by: \(userName)", vm: vm)
        let startTime = vm.startTime
        later(1) { inventory, _ in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].status == "reboot_in_progress",
                inventory.vms[index].startTime == startTime
            else { return }
            inventory.vms[index].status = "up"
        }
        return commitJob()
    }

    /// `HibernateVmCommand` (`POST /vms/{id}/suspend`): only an `up` VM; it
    /// writes event 501 and starts creating its memory volumes (async tasks,
    /// so the REST layer answers 202 unless the action asks `async=false`).
    /// One delay later the tasks end, the job ends and the VM is
    /// `saving_state`; one more and the monitoring finds it `suspended`
    /// (503 `USER_SUSPEND_VM_OK`, no correlation id), without a host.
    mutating func suspend(vm vmID: String) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        beginJob("Performing Hibernate action on VM \(vm.name)")
        try checkNotHeld(vm, action: "hibernate")
        if vm.status == "wait_for_launch" || vm.status == "not_responding" {
            throw .conflict(
                EngineMessages.vmStatusIllegal(action: "hibernate", type: "VM", status: EngineMessages.localizedStatus(vm.status))
            )
        }
        guard vm.status == "up" else { throw .conflict(EngineMessages.vmNotUp(action: "hibernate")) }
        let hostName = inventory.host(vm.hostID)?.name ?? "N/A"
        vmEvent(501, "Suspending VM \(vm.name) was initiated by User \(userName) (Host: \(hostName)).", vm: vm)
        let startTime = vm.startTime
        // Registered in the order they happen, so a zero delay applies them in that order too.
        later(1) { inventory, _ in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].status == "up",
                inventory.vms[index].startTime == startTime
            else { return }
            inventory.vms[index].status = "saving_state"
        }
        later(2) { inventory, now in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].status == "saving_state",
                inventory.vms[index].startTime == startTime
            else { return }
            let saving = inventory.vms[index]
            let hostName = inventory.host(saving.hostID)?.name ?? "N/A"
            WriteTransaction.powerOff(&inventory.vms[index], at: now)
            inventory.vms[index].status = "suspended"
            WriteTransaction.appendVMEvent(
                to: &inventory, code: 503, description: "VM \(saving.name) on Host \(hostName) is suspended.", time: now,
                correlationID: "", vm: saving, fromMonitoring: true
            )
        }
        return commitJob(finishAfter: 1)
    }

    static func powerOff(_ vm: inout SimVM, at time: Int64) {
        vm.status = "down"
        vm.hostID = nil
        vm.startTime = nil
        vm.stopTime = time
        vm.reportedDevices = []
        vm.fqdn = nil
        vm.runOnce = false
        vm.runOnceInitialization = nil
    }
}
