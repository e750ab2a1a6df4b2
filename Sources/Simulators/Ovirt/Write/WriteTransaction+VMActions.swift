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
        later(1) { inventory in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].startTime == startTime,
                inventory.vms[index].status == "wait_for_launch"
            else { return }
            inventory.vms[index].status = "powering_up"
        }
        return commitJob(finishAfter: 2) { inventory in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].startTime == startTime,
                ["wait_for_launch", "powering_up"].contains(inventory.vms[index].status)
            else { return }
            var vm = inventory.vms[index]
            vm.status = "up"
            let initialization = vm.runOnceInitialization ?? vm.initialization
            vm.fqdn = initialization?.hostName ?? "\(vm.name).\(engineName).lab.local"
            vm.reportedDevices = WriteTransaction.reportedDevices(for: vm, initialization: initialization)
            inventory.vms[index] = vm
            WriteTransaction.appendVMEvent(
                to: &inventory, code: 153,
                description: "VM \(vm.name) was started by \(userName) (Host: \(host.name)).",
                correlationID: correlationID, vm: vm
            )
        }
    }

    /// What the guest agent reports once the VM is up: one device per NIC
    /// with the static address of the matching nic configuration (by order),
    /// or an address from the simulator's DHCP range.
    static func reportedDevices(for vm: SimVM, initialization: SimInitialization?) -> [SimReportedDevice] {
        let configurations = initialization?.nicConfigurations ?? []
        return vm.nics.enumerated().map { offset, nic in
            let configuration = offset < configurations.count ? configurations[offset] : nil
            let hash = StableHash.fnv1a(vm.id + nic.mac)
            let ipv4 = configuration?.address ?? (offset == 0 ? vm.guestIPv4 : nil) ?? "10.15.250.\(2 + Int(hash % 250))"
            let macParts = nic.mac.split(separator: ":")
            let ipv6 = "fe80::546f:\(macParts.count > 3 ? macParts[3] : "00")ff:fe\(macParts.count > 4 ? macParts[4] : "00"):\(macParts.last ?? "00")"
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
        return commitJob(finishAfter: 1) { inventory in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].status == "powering_down" else {
                return
            }
            let running = inventory.vms[index]
            WriteTransaction.powerOff(&inventory.vms[index], at: EngineState.now())
            WriteTransaction.appendVMEvent(
                to: &inventory, code: 61, description: "VM \(name) is down. Exit message: User shut down from within the guest",
                correlationID: correlationID, vm: running
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
