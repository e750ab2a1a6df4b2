import Foundation

/// Adding, editing and removing VMs.
extension WriteTransaction {
    // MARK: VMs

    static let maxVMNameLength = 64

    static func isValidVMName(_ name: String) -> Bool {
        name.allSatisfy { $0.isLetter || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    static func initialization(from node: RequestNode?) -> SimInitialization? {
        guard let node else { return nil }
        var initialization = SimInitialization(
            hostName: node.string("host_name"),
            userName: node.string("user_name"),
            authorizedSSHKeys: node.child("authorized_ssh_keys")?.text,
            dnsServers: node.string("dns_servers"),
            dnsSearch: node.string("dns_search"),
            customScript: node.child("custom_script")?.text,
            timezone: node.string("timezone")
        )
        initialization.nicConfigurations = node.items("nic_configurations", "nic_configuration").map { item in
            SimNicConfiguration(
                name: item.string("name") ?? "eth0",
                bootProtocol: item.string("boot_protocol"),
                onBoot: item.bool("on_boot"),
                address: item.string("ip.address"),
                netmask: item.string("ip.netmask"),
                gateway: item.string("ip.gateway")
            )
        }
        return initialization
    }

    mutating func addVM(_ body: RequestNode) throws(EngineFault) -> String {
        try require(body, type: "Vm", ["cluster.id|name"])
        try require(body, type: "Vm", ["name"])
        try require(body, type: "Vm", ["template.id|name"])
        let name = body.string("name")!
        let cluster = try cluster(body.child("cluster")!)
        let template = try template(body.child("template")!, dataCenterID: cluster.dataCenterID)
        beginJob("Creating VM \(name) in Cluster \(cluster.name)")
        if !Self.isValidVMName(name) {
            throw .badRequest(EngineMessages.nameSpecialCharacters(action: "add", type: "VM"))
        }
        if inventory.vms.contains(where: { $0.name == name }) {
            throw .conflict(EngineMessages.nameInUse(action: "add", type: "VM"))
        }
        if name.count > Self.maxVMNameLength {
            throw .badRequest(EngineMessages.nameTooLong(action: "add", type: "VM"))
        }

        // Template disks, with the storage domain and format the request picks.
        var disks: [SimDisk] = []
        let vmID = Self.newID()
        for (number, templateDiskID) in template.diskIDs.enumerated() {
            guard var disk = inventory.disk(templateDiskID) else { continue }
            let override = body.items("disk_attachments", "disk_attachment")
                .compactMap { $0.child("disk") }
                .first { $0.id == templateDiskID }
            if let override {
                if let domain = try storageDomain(of: override) { disk.storageDomainID = domain.id }
                if let format = override.string("format") { disk.format = format }
                if let sparse = override.bool("sparse") { disk.sparse = sparse }
                if let alias = override.string("alias") ?? override.string("name") { disk.name = alias }
                try checkImageConfiguration(format: disk.format, sparse: disk.sparse, domainID: disk.storageDomainID)
            }
            if override?.string("alias") == nil, override?.string("name") == nil {
                disk.name = "\(name)_Disk\(number + 1)"
            }
            disk.id = Self.newID()
            disk.imageID = Self.newID()
            disk.status = "locked"
            disk.actualSize = disk.sparse ? disk.actualSize : disk.provisionedSize
            disks.append(disk)
        }

        let memory = body.int64("memory") ?? template.memory
        var vm = SimVM(
            id: vmID,
            name: name,
            description: body.string("description") ?? "",
            comment: body.string("comment") ?? "",
            clusterID: cluster.id,
            hostID: nil,
            templateID: template.id,
            status: "image_locked",
            memory: memory,
            sockets: body.int("cpu.topology.sockets") ?? 1,
            cores: body.int("cpu.topology.cores") ?? template.cores,
            threads: body.int("cpu.topology.threads") ?? 1,
            osType: body.string("os.type") ?? template.osType,
            fqdn: nil,
            creationTime: now,
            startTime: nil,
            stopTime: nil,
            highlyAvailable: body.bool("high_availability.enabled") ?? false,
            guestDistribution: "RED OS",
            guestKernel: "6.1.52-1.el8",
            nics: [],
            diskAttachments: disks.map { SimDiskAttachment(diskID: $0.id, bootable: $0.bootable, interface: "virtio_scsi") },
            reportedDevices: [],
            initialization: Self.initialization(from: body.child("initialization")),
            memoryGuaranteed: body.int64("memory_policy.guaranteed")
        )
        vm.deleteProtected = body.bool("delete_protected") ?? false
        inventory.disks.append(contentsOf: disks)
        inventory.vms.append(vm)
        event(37, "VM \(name) creation was initiated by \(userName).", vm: vmID, cluster: cluster.id, dataCenter: cluster.dataCenterID)
        let diskIDs = disks.map(\.id)
        let correlationID = self.correlationID
        commitJob(finishAfter: 1) { inventory, now in
            if let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].status == "image_locked" {
                inventory.vms[index].status = "down"
            }
            for index in inventory.disks.indices where diskIDs.contains(inventory.disks[index].id) {
                inventory.disks[index].status = "ok"
            }
            WriteTransaction.appendEvent(
                to: &inventory, code: 53, description: "VM \(name) creation has been completed.", time: now,
                correlationID: correlationID, vm: vmID, cluster: cluster.id, dataCenter: cluster.dataCenterID
            )
        }
        return vmID
    }

    mutating func updateVM(_ id: String, _ body: RequestNode) throws(EngineFault) -> String {
        let index = try vmIndex(id)
        var vm = inventory.vms[index]
        beginJob("Editing VM \(vm.name)")
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "edit", type: "VM")) }
        if let name = body.string("name"), name != vm.name {
            if !Self.isValidVMName(name) { throw .badRequest(EngineMessages.nameSpecialCharacters(action: "edit", type: "VM")) }
            if name.count > Self.maxVMNameLength { throw .badRequest(EngineMessages.nameTooLong(action: "edit", type: "VM")) }
            if inventory.vms.contains(where: { $0.name == name }) {
                throw .conflict(EngineMessages.nameInUse(action: "edit", type: "VM"))
            }
            vm.name = name
        }
        if let description = body.string("description") { vm.description = description }
        if let comment = body.string("comment") { vm.comment = comment }
        if let memory = body.int64("memory") { vm.memory = memory }
        if let guaranteed = body.int64("memory_policy.guaranteed") { vm.memoryGuaranteed = guaranteed }
        if let cores = body.int("cpu.topology.cores") { vm.cores = cores }
        if let sockets = body.int("cpu.topology.sockets") { vm.sockets = sockets }
        if let threads = body.int("cpu.topology.threads") { vm.threads = threads }
        if let osType = body.string("os.type") { vm.osType = osType }
        if let initialization = Self.initialization(from: body.child("initialization")) { vm.initialization = initialization }
        if let deleteProtected = body.bool("delete_protected") { vm.deleteProtected = deleteProtected }
        inventory.vms[index] = vm
        vmEvent(35, "VM \(vm.name) configuration was updated by \(userName).", vm: vm)
        commitJob()
        return id
    }

    /// `RemoveVmCommand` (`DELETE /vms/{id}`), validated in its order: the
    /// VM's lock, delete protection, status (down, unassigned, image
    /// illegal/locked only; suspended has a message of its own), detaching
    /// disks of a template-based VM, locked disks and an `image_locked` VM
    /// (both allowed with `force`). The VM leaves the inventory at once with
    /// event 113; its disks (unless `detachOnly`) are `locked` until their
    /// removal tasks end one delay later, when the job ends too.
    mutating func removeVM(_ id: String, detachOnly: Bool, force: Bool = false) throws(EngineFault) -> String? {
        let index = try vmIndex(id)
        let vm = inventory.vms[index]
        beginJob("Removing VM \(vm.name) from system")
        try checkNotHeld(vm, action: "remove")
        if vm.deleteProtected { throw .conflict(EngineMessages.deleteProtectionEnabled) }
        switch vm.status {
        case "down", "unassigned", "image_illegal", "image_locked": break
        case "suspended": throw .conflict(EngineMessages.removeSuspended)
        default: throw .conflict(EngineMessages.vmRunning(action: "remove"))
        }
        if detachOnly, vm.templateID != EngineInventory.blankTemplateID {
            throw .conflict(EngineMessages.removeDetachBasedOnTemplate)
        }
        let disks = vm.diskAttachments.compactMap { inventory.disk($0.diskID) }
        let locked = disks.filter { $0.status == "locked" }.map(\.name)
        if !force, !locked.isEmpty { throw .conflict(EngineMessages.disksLocked(action: "remove", aliases: locked)) }
        if !force, vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "remove", type: "VM")) }

        inventory.vms.remove(at: index)
        inventory.pendingGuestReports.removeAll { $0.vmID == id }
        vmEvent(113, "VM \(vm.name) was successfully removed by \(userName).", vm: vm)
        guard !detachOnly, !disks.isEmpty else { return commitJob() }
        let diskIDs = Set(disks.map(\.id))
        for diskIndex in inventory.disks.indices where diskIDs.contains(inventory.disks[diskIndex].id) {
            inventory.disks[diskIndex].status = "locked"
        }
        return commitJob(finishAfter: 1) { inventory, _ in
            inventory.disks.removeAll { diskIDs.contains($0.id) }
        }
    }

    static let runningStatuses: Set<String> = [
        "up", "wait_for_launch", "powering_up", "powering_down", "migrating", "paused", "reboot_in_progress",
        "saving_state", "restoring_state", "suspended", "not_responding", "unknown",
    ]

    /// `ImagesHandler.checkImageConfiguration`: preallocated COW anywhere and
    /// sparse RAW on block storage are refused.
    func checkImageConfiguration(format: String, sparse: Bool, domainID: String) throws(EngineFault) {
        let block = ["fcp", "iscsi"].contains(inventory.storageDomain(domainID)?.storageType ?? "")
        let preallocatedCow = !sparse && format == "cow"
        let sparseRawOnBlock = block && sparse && format == "raw"
        if preallocatedCow || sparseRawOnBlock {
            throw .conflict(
                EngineMessages.diskConfigurationNotSupported(format: format == "cow" ? "COW" : "RAW", type: sparse ? "Sparse" : "Preallocated")
            )
        }
    }
}
