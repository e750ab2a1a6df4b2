import Foundation

/// Disks and NICs of VMs.
extension WriteTransaction {
    mutating func addDisk(vm vmID: String, _ body: RequestNode) throws(EngineFault) -> String {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        guard let diskNode = body.child("disk") else { throw .incomplete("DiskAttachment", ["disk"], for: "add") }
        if let existingID = diskNode.id {
            // Attach an existing (floating) disk.
            guard let disk = inventory.disk(existingID),
                !inventory.vms.contains(where: { $0.diskAttachments.contains { $0.diskID == existingID } }),
                !inventory.templates.contains(where: { $0.diskIDs.contains(existingID) })
            else { throw .entityNotFound(existingID) }
            beginJob("Attaching Disk \(disk.name) to VM \(vm.name)")
            if vm.status == "image_locked" {
                throw .conflict(EngineMessages.vmStatusIllegal(action: "attach", type: "Virtual Disk", status: "Image Locked"))
            }
            inventory.vms[index].diskAttachments.append(
                SimDiskAttachment(diskID: existingID, bootable: body.bool("bootable") ?? false, interface: body.string("interface") ?? "virtio_scsi", active: body.bool("active") ?? true)
            )
            vmEvent(2016, "Disk \(disk.name) was successfully attached to VM \(vm.name) by \(userName).", vm: vm)
            commitJob()
            return existingID
        }
        try require(diskNode, type: "Disk", ["provisionedSize|size", "format"])
        guard let domain = try storageDomain(of: diskNode) else { throw .badRequest(EngineMessages.storageDomainNotSpecified) }
        let alias = diskNode.string("alias") ?? diskNode.string("name") ?? "\(vm.name)_Disk\(vm.diskAttachments.count + 1)"
        beginJob("Adding Disk \(alias)")
        let size = diskNode.int64("provisioned_size") ?? diskNode.int64("size") ?? 0
        if size <= 0 { throw .badRequest(EngineMessages.diskSizeZero) }
        let format = diskNode.string("format") ?? "cow"
        let sparse = diskNode.bool("sparse") ?? (format == "cow")
        try checkImageConfiguration(format: format, sparse: sparse, domainID: domain.id)
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "add", type: "Virtual Disk")) }
        let disk = SimDisk(
            id: Self.newID(),
            name: alias,
            description: diskNode.string("description") ?? "",
            provisionedSize: size,
            actualSize: sparse ? 0 : size,
            format: format,
            sparse: sparse,
            storageDomainID: domain.id,
            imageID: Self.newID(),
            status: "locked",
            bootable: body.bool("bootable") ?? false
        )
        inventory.disks.append(disk)
        inventory.vms[index].diskAttachments.append(
            SimDiskAttachment(
                diskID: disk.id,
                bootable: disk.bootable,
                interface: body.string("interface") ?? "virtio_scsi",
                active: body.bool("active") ?? true
            )
        )
        vmEvent(78, "Add-Disk operation of \(alias) was initiated on VM \(vm.name) by \(userName).", vm: vm)
        let diskID = disk.id
        let vmName = vm.name
        let correlationID = self.correlationID
        commitJob(finishAfter: 1) { inventory, now in
            if let diskIndex = inventory.disks.firstIndex(where: { $0.id == diskID }) {
                inventory.disks[diskIndex].status = "ok"
            }
            guard let vm = inventory.vm(vmID) else { return }
            WriteTransaction.appendVMEvent(
                to: &inventory, code: 97, description: "The disk \(alias) was successfully added to VM \(vmName).", time: now,
                correlationID: correlationID, vm: vm
            )
        }
        return diskID
    }

    mutating func updateDiskAttachment(vm vmID: String, disk diskID: String, _ body: RequestNode) throws(EngineFault) -> String {
        let vmIndex = try vmIndex(vmID)
        let vm = inventory.vms[vmIndex]
        guard let attachmentIndex = vm.diskAttachments.firstIndex(where: { $0.diskID == diskID }),
            let diskIndex = inventory.disks.firstIndex(where: { $0.id == diskID })
        else { throw .notFound }
        var disk = inventory.disks[diskIndex]
        beginJob("Updating Disk \(disk.name) properties for VMs: \(vm.name)")
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "edit", type: "Virtual Disk")) }
        var extendTo: Int64?
        if let size = body.int64("disk.provisioned_size") ?? body.int64("disk.size"), size != disk.provisionedSize {
            if size < disk.provisionedSize { throw .badRequest(EngineMessages.diskSizeTooSmall) }
            if disk.status == "locked" {
                throw .conflict("Cannot edit Virtual Disk: The following disks are locked: \(disk.name). Please try again in a few minutes.")
            }
            extendTo = size
        }
        if let alias = body.string("disk.alias") ?? body.string("disk.name") { disk.name = alias }
        if let description = body.string("disk.description") { disk.description = description }
        var attachment = vm.diskAttachments[attachmentIndex]
        if let bootable = body.bool("bootable") { attachment.bootable = bootable; disk.bootable = bootable }
        if let interface = body.string("interface") { attachment.interface = interface }
        if let active = body.bool("active") { attachment.active = active }
        inventory.vms[vmIndex].diskAttachments[attachmentIndex] = attachment
        if let extendTo {
            disk.provisionedSize = extendTo
            disk.status = "locked"
            inventory.disks[diskIndex] = disk
            let alias = disk.name
            let userName = self.userName
            let correlationID = self.correlationID
            commitJob(finishAfter: 1) { inventory, now in
                if let index = inventory.disks.firstIndex(where: { $0.id == diskID }) { inventory.disks[index].status = "ok" }
                guard let vm = inventory.vm(vmID) else { return }
                WriteTransaction.appendVMEvent(
                    to: &inventory, code: 371,
                    description: "Size of the disk '\(alias)' was successfully updated to \(extendTo >> 30) GB by \(userName).",
                    time: now, correlationID: correlationID, vm: vm
                )
            }
        } else {
            inventory.disks[diskIndex] = disk
            vmEvent(88, "VM \(vm.name) \(disk.name) disk was updated by \(userName).", vm: vm)
            commitJob()
        }
        return diskID
    }

    mutating func removeDiskAttachment(vm vmID: String, disk diskID: String, detachOnly: Bool) throws(EngineFault) {
        let vmIndex = try vmIndex(vmID)
        let vm = inventory.vms[vmIndex]
        guard vm.diskAttachments.contains(where: { $0.diskID == diskID }), let disk = inventory.disk(diskID) else { throw .notFound }
        beginJob(detachOnly ? "Detaching Disk \(disk.name) from VM \(vm.name)" : "Removing Disk \(disk.name)")
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "remove", type: "Virtual Disk")) }
        if Self.runningStatuses.contains(vm.status), !detachOnly {
            throw .conflict(EngineMessages.vmStatusIllegal(action: "remove", type: "Virtual Disk", status: EngineMessages.localizedStatus(vm.status)))
        }
        inventory.vms[vmIndex].diskAttachments.removeAll { $0.diskID == diskID }
        if detachOnly {
            vmEvent(2018, "Disk \(disk.name) was successfully detached from VM \(vm.name) by \(userName).", vm: vm)
        } else {
            inventory.disks.removeAll { $0.id == diskID }
            let domain = inventory.storageDomain(disk.storageDomainID)?.name ?? ""
            vmEvent(2014, "Disk \(disk.name) was successfully removed from domain \(domain) (User \(userName)).", vm: vm)
        }
        commitJob()
    }

    // MARK: VM NICs

    /// The next MAC of the engine's pool `56:6f:XX:YY:…` (see ``AddressPlan``):
    /// seeded NICs use `…:00:00`–`…:bf:ff`, new ones count from `…:c0:00`.
    mutating func nextMAC() -> String {
        let mac = inventory.addresses.addedMAC(inventory.macCounter)
        inventory.macCounter += 1
        return mac
    }

    mutating func addNic(vm vmID: String, _ body: RequestNode) throws(EngineFault) -> String {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        try require(body, type: "Nic", ["name"])
        let name = body.string("name")!
        beginJob("Adding Network Interface \(name) to VM \(vm.name)")
        if !["up", "down", "image_locked"].contains(vm.status) {
            throw .conflict("Cannot add a Network Interface when VM is not Down, Up or Image-Locked.")
        }
        if vm.nics.contains(where: { $0.name == name }) { throw .conflict(EngineMessages.interfaceNameInUse) }
        var profileID = ""
        if let reference = body.child("vnic_profile"), let id = reference.id {
            guard inventory.vnicProfile(id) != nil else {
                throw .badRequest("Cannot add Interface. The specified VM network interface profile doesn't exist.")
            }
            profileID = id
        }
        let interface = body.string("interface") ?? "virtio"
        let mac = body.string("mac.address") ?? nextMAC()
        let nic = SimVMNic(id: Self.newID(), name: name, mac: mac, vnicProfileID: profileID, interface: interface)
        inventory.vms[index].nics.append(nic)
        vmEvent(932, "Interface \(name) (\(Self.shownInterface(interface))) was added to VM \(vm.name). (User: \(userName))", vm: vm)
        commitJob()
        return nic.id
    }

    mutating func removeNic(vm vmID: String, nic nicID: String) throws(EngineFault) {
        let index = try vmIndex(vmID)
        guard let nic = inventory.vms[index].nics.first(where: { $0.id == nicID }) else { throw .notFound }
        beginJob("Removing Network Interface \(nic.name) from VM \(inventory.vms[index].name)")
        inventory.vms[index].nics.removeAll { $0.id == nicID }
        let vm = inventory.vms[index]
        vmEvent(
            930, "Interface \(nic.name) (\(Self.shownInterface(nic.interface))) was removed from VM \(vm.name). (User: \(userName))",
            vm: vm
        )
        commitJob()
    }

    /// How the engine's audit log names a NIC type (`VmInterfaceType` descriptions).
    static func shownInterface(_ interface: String) -> String {
        ["virtio": "VirtIO", "e1000": "e1000", "rtl8139": "rtl8139"][interface] ?? interface
    }
}
