import Foundation

/// Starting, stopping and shutting down VMs.
extension WriteTransaction {
    // MARK: VM actions

    mutating func start(vm vmID: String, _ action: RequestNode) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        var vm = inventory.vms[index]
        beginJob("Launching VM \(vm.name)")
        if vm.status == "image_locked" {
            throw .conflict(EngineMessages.vmStatusIllegal(action: "run", type: "VM", status: "Image Locked"))
        }
        let locked = vm.diskAttachments.compactMap { inventory.disk($0.diskID) }.filter { $0.status == "locked" }.map(\.name)
        if !locked.isEmpty { throw .conflict(EngineMessages.disksLocked(action: "run", aliases: locked)) }
        if vm.status != "down" && vm.status != "suspended" { throw .conflict(EngineMessages.vmRunning(action: "run")) }

        let candidates = inventory.hosts.filter { $0.clusterID == vm.clusterID && $0.status == "up" }
        let load = Dictionary(grouping: inventory.vms.compactMap(\.hostID), by: { $0 }).mapValues(\.count)
        let host = candidates.min { (load[$0.id] ?? 0, $0.name) < (load[$1.id] ?? 0, $1.name) }
        guard let host else {
            throw .conflict("Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:")
        }
        let runOnce = Self.initialization(from: action.child("vm.initialization"))
        vm.runOnceInitialization = runOnce
        vm.runOnce = action.child("vm") != nil
        vm.status = "wait_for_launch"
        vm.hostID = host.id
        vm.startTime = now
        vm.stopTime = nil
        inventory.vms[index] = vm
        vmEvent(150, "Starting VM \(vm.name) was initiated by \(userName).", vm: vm)
        let startTime = now
        let userName = self.userName
        let correlationID = self.correlationID
        let engineName = self.engineName
        let guestIPDelay = self.guestIPDelay
        later(1) { inventory, _ in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].startTime == startTime,
                inventory.vms[index].status == "wait_for_launch"
            else { return }
            inventory.vms[index].status = "powering_up"
        }
        return commitJob(finishAfter: 2) { inventory, now in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].startTime == startTime,
                ["wait_for_launch", "powering_up"].contains(inventory.vms[index].status)
            else { return }
            var vm = inventory.vms[index]
            vm.status = "up"
            let initialization = vm.runOnceInitialization ?? vm.initialization
            vm.fqdn = initialization?.hostName ?? "\(vm.name).\(engineName).lab.local"
            inventory.vms[index] = vm
            WriteTransaction.reportGuest(ofVMAt: index, in: &inventory, upAt: now, delay: guestIPDelay)
            WriteTransaction.appendVMEvent(
                to: &inventory, code: 153,
                description: "VM \(vm.name) was started by \(userName) (Host: \(host.name)).", time: now,
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

    mutating func stop(vm vmID: String) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        beginJob("Stopping VM \(vm.name)")
        guard Self.runningStatuses.contains(vm.status) else {
            if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "stop", type: "VM")) }
            throw .conflict(EngineMessages.vmNotRunning(action: "stop"))
        }
        let hostName = inventory.host(vm.hostID)?.name ?? "N/A"
        Self.powerOff(&inventory.vms[index], at: now)
        vmEvent(33, "VM \(vm.name) powered off by \(userName) (Host: \(hostName)).", vm: vm)
        return commitJob()
    }

    mutating func shutdown(vm vmID: String) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        beginJob("Shutting down VM \(vm.name)")
        guard Self.runningStatuses.contains(vm.status) else {
            if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "shutdown", type: "VM")) }
            throw .conflict(EngineMessages.vmNotRunning(action: "shutdown"))
        }
        let hostName = inventory.host(vm.hostID)?.name ?? "N/A"
        inventory.vms[index].status = "powering_down"
        vmEvent(73, "VM shutdown initiated by \(userName) on VM \(vm.name) (Host: \(hostName)).", vm: vm)
        let correlationID = self.correlationID
        let name = vm.name
        return commitJob(finishAfter: 1) { inventory, now in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].status == "powering_down" else {
                return
            }
            let running = inventory.vms[index]
            WriteTransaction.powerOff(&inventory.vms[index], at: now)
            WriteTransaction.appendVMEvent(
                to: &inventory, code: 61, description: "VM \(name) is down. Exit message: User shut down from within the guest",
                time: now, correlationID: correlationID, vm: running
            )
        }
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
