import AggregatorCore
import BackendSupport
import Logging

extension OvirtRun {
    func createVM(_ planned: OvirtPlan.VirtualMachine) async throws -> String {
        let vm = planned.spec
        let clusterID = payload.cluster.id
        let templateID = planned.template.id
        let templateDiskID = planned.templateDiskID
        let storageDomainID = planned.storageDomain.id
        return try await step(OvirtStep.createVM) {
            let existing = try await self.get(OvirtCollection<OvirtVM>.self, "vms",
                                              query: [("search", "name=\(OvirtRules.searchValue(vm.name))")],
                                              expected: "a JSON vm list").items.first { $0.name == vm.name }
            if let existing {
                // Taking the job over: the VM the dead replica was making is this job's, and is finished.
                if self.job.isResuming, let id = existing.id,
                   OvirtRules.creatingJob(comment: existing.comment) == self.job.jobID {
                    return try await self.reuseVM(vm, id: id, status: existing.status)
                }
                let found = OvirtRules.existingVM(vm.name, engine: self.engine, id: existing.id, comment: existing.comment)
                throw BackendError(.httpStatus, engine: self.engine,
                                   message: "\(found.message); it is left alone", httpStatus: 409)
            }
            let memory = Int64(vm.memoryGB) * OvirtRules.gibibyte
            let boot = vm.disks.first { $0.isBootDisk }
            let sparse = boot?.sparse ?? true
            let body = OvirtBody.object([
                "name": .string(vm.name),
                "description": .string(OvirtRun.metaDescription(self.payload.meta, limit: 255)),
                "comment": .string(OvirtRun.metaComment(self.payload.meta, jobID: self.job.jobID)),
                "cluster": .id(clusterID),
                "template": .id(templateID),
                "memory": .int(memory),
                "memory_policy": .object(["guaranteed": .int(memory)]),
                "cpu": .object(["topology": .object(["cores": .int(vm.cores), "sockets": .int(1), "threads": .int(1)])]),
                "os": planned.osType.map { .object(["type": .string($0)]) },
                "initialization": OvirtCloudInit(vm: vm).body,
                "disk_attachments": .list("disk_attachment", [
                    .object(["disk": .object([
                        "id": .string(templateDiskID),
                        "format": .string(sparse ? "cow" : "raw"),
                        "sparse": .bool(sparse),
                        "storage_domains": .list("storage_domain", [.id(storageDomainID)]),
                    ])]),
                ]),
            ])
            let created = try await self.write(OvirtVM.self, "POST", "vms", query: [("clone", "true")], body: body,
                                               expected: "a JSON vm")
            guard let id = created.id else { throw self.missingID("POST /vms") }
            self.engineIDs["vm_id"] = id
            // The VM exists from now on: on record before the (long) wait for its disks.
            await self.recorder.stepReportedIDs(OvirtStep.createVM, engineIDs: ["vm_id": id])
            try await self.waitUntilMade(vm, id: id)
            return (id, "created VM \(vm.name); it is down", ["vm_id": id])
        }
    }

    /// The VM of the plan's name that this job made in an earlier run (its comment names the job),
    /// which a replica that died left behind. Waits, as a create does, for its disks to be cloned.
    private func reuseVM(_ vm: VMSpec, id: String, status: String?)
        async throws -> (value: String, detail: String?, ids: [String: String])
    {
        engineIDs["vm_id"] = id
        await recorder.stepReportedIDs(OvirtStep.createVM, engineIDs: ["vm_id": id])
        if status == nil || status == "image_locked" {
            try await waitUntilMade(vm, id: id)
        }
        return (id, "VM \(vm.name) made by this job before it was taken over: reused", ["vm_id": id])
    }

    /// Waits until the VM's disks are cloned: `image_locked` → `down`.
    private func waitUntilMade(_ vm: VMSpec, id: String) async throws {
        try await waitForStatus("VM \(vm.name)", path: "vms/\(id)", expected: "a JSON vm", target: "down",
                                timeout: options.createTimeout, option: "create_timeout") { status, _ in
            status == "illegal" ? "the VM became illegal" : nil
        }
    }

    func extendBootDisk(to size: Int64, vmID: String) async throws {
        let attachments = try await get(OvirtCollection<OvirtDiskAttachment>.self, "vms/\(vmID)/diskattachments",
                                        expected: "a JSON disk attachment list").items
        guard let boot = attachments.first(where: { $0.bootable?.value == true }) ?? attachments.first,
              let diskID = boot.diskID
        else { return }
        let current = try await get(OvirtDisk.self, "disks/\(diskID)", expected: "a JSON disk").provisionedSize?.value
        if let current, current >= size {
            // A run stopped during the extension left it under way: the next steps wait for the disk.
            if execution.unfinishedStep(OvirtStep.extendBootDisk) != nil { try await waitForDisk(diskID) }
            await execution.skip(OvirtStep.extendBootDisk, reason: "the boot disk is \(OvirtRules.gib(current)) already",
                                 ids: ["boot_disk_id": diskID])
            return
        }
        try await step(OvirtStep.extendBootDisk) {
            let body = OvirtBody.object(["disk": .object(["provisioned_size": .int(size)])])
            _ = try await self.write(OvirtDiskAttachment.self, "PUT", "vms/\(vmID)/diskattachments/\(diskID)", body: body,
                                     expected: "a JSON disk attachment")
            try await self.waitForDisk(diskID)
            return ((), "boot disk grown to \(OvirtRules.gib(size))", ["boot_disk_id": diskID])
        }
    }

    /// Adds `vm.disks[index]` (the caller checked the index); returns the disk's id. When a run that
    /// was stopped may have added it (the job is resumed), the disk it attached is reused.
    func addDisk(_ index: Int, vm planned: OvirtPlan.VirtualMachine, vmID: String) async throws -> String {
        let vm = planned.spec
        let storageDomainID = planned.storageDomain.id
        let disk = vm.disks[index]
        let name = "\(vm.name)_Disk\(index + 1)"
        let stepName = OvirtStep.addDisk(index)
        let idKey = OvirtStep.diskID(index)
        return try await step(stepName) {
            if self.job.isResuming, let diskID = try await self.attachedDisk(named: name, vmID: vmID,
                                                                             recordedID: self.job.recordedEngineIDs[idKey]) {
                await self.recorder.stepReportedIDs(stepName, engineIDs: [idKey: diskID])
                try await self.waitForDisk(diskID)
                return (diskID, "disk \(name) added before the job was taken over: reused", [idKey: diskID])
            }
            let body = OvirtBody.object([
                "bootable": .bool(false),
                "interface": .string("virtio_scsi"),
                "active": .bool(true),
                "disk": .object([
                    "name": .string(name),
                    "description": disk.mountPoint.map { .string("mounted at \($0)") },
                    "provisioned_size": .int(Int64(disk.sizeGB) * OvirtRules.gibibyte),
                    "format": .string(disk.sparse ? "cow" : "raw"),
                    "sparse": .bool(disk.sparse),
                    "storage_domains": .list("storage_domain", [.id(storageDomainID)]),
                ]),
            ])
            let attachment = try await self.write(OvirtDiskAttachment.self, "POST", "vms/\(vmID)/diskattachments",
                                                  body: body, expected: "a JSON disk attachment")
            guard let diskID = attachment.diskID else { throw self.missingID("POST /vms/\(vmID)/diskattachments") }
            await self.recorder.stepReportedIDs(stepName, engineIDs: [idKey: diskID])
            try await self.waitForDisk(diskID)
            return (diskID, "\(disk.sizeGB) GiB disk" + (disk.mountPoint.map { " for \($0)" } ?? ""), [idKey: diskID])
        }
    }

    /// The id of the disk attached to the VM whose id an earlier run recorded, or else whose name
    /// (or alias) is `name`; nil when none is.
    private func attachedDisk(named name: String, vmID: String, recordedID: String?) async throws -> String? {
        let attachments = try await get(OvirtCollection<OvirtDiskAttachment>.self, "vms/\(vmID)/diskattachments",
                                        query: [("follow", "disk")], expected: "a JSON disk attachment list").items
        if let recordedID, attachments.contains(where: { $0.diskID == recordedID }) { return recordedID }
        return attachments.first { $0.disk?.name == name || $0.disk?.alias == name }?.diskID
    }

    func configureCloudInit(_ planned: OvirtPlan.VirtualMachine, vmID: String, mounts: [OvirtCloudInit.Mount]) async throws {
        guard !mounts.isEmpty else { return }
        try await step(OvirtStep.configureCloudInit) {
            let body = OvirtBody.object(["initialization": OvirtCloudInit(vm: planned.spec, mounts: mounts).body])
            _ = try await self.write(OvirtVM.self, "PUT", "vms/\(vmID)", body: body, expected: "a JSON vm")
            return ((), "cloud-init mounts " + mounts.map(\.mountPoint).joined(separator: ", "), [:])
        }
    }

    /// Adds `nic1` on the profile, or re-points a `nic1` the VM inherited from its template.
    func addNIC(vmID: String, profileID: String) async throws {
        try await step(OvirtStep.addNIC) {
            let nics = try await self.get(OvirtCollection<OvirtNIC>.self, "vms/\(vmID)/nics", expected: "a JSON nic list").items
            let body = OvirtBody.object([
                "name": .string("nic1"),
                "interface": .string("virtio"),
                "vnic_profile": .id(profileID),
            ])
            let nic: OvirtNIC
            if let present = nics.first(where: { $0.name == "nic1" }), let nicID = present.id,
               present.vnicProfile?.id == profileID {
                // Made so by an earlier run of the job (or by the template): nothing to change.
                return ((), "nic1 is on \(self.network.name) already", ["nic_id": nicID])
            } else if let inherited = nics.first(where: { $0.name == "nic1" }), let nicID = inherited.id {
                nic = try await self.write(OvirtNIC.self, "PUT", "vms/\(vmID)/nics/\(nicID)", body: body, expected: "a JSON nic")
            } else {
                nic = try await self.write(OvirtNIC.self, "POST", "vms/\(vmID)/nics", body: body, expected: "a JSON nic")
            }
            guard let id = nic.id else { throw self.missingID("POST /vms/\(vmID)/nics") }
            return ((), "nic1 on \(self.network.name)", ["nic_id": id])
        }
    }

    func start(_ vm: VMSpec, vmID: String) async throws {
        try await step(OvirtStep.startVM) {
            // A run stopped after the start call may have left the VM starting or up: never start it twice.
            var current: String?
            if self.job.isResuming {
                current = try await self.get(StatusOnly.self, "vms/\(vmID)", expected: "a JSON vm").status
            }
            if current == "up" {
                return ((), "VM \(vm.name) is up already", ["vm_id": vmID])
            }
            let starting = current == "wait_for_launch" || current == "powering_up"
            if !starting {
                _ = try await self.write(OvirtAction.self, "POST", "vms/\(vmID)/start",
                                         body: .object(["use_cloud_init": .bool(true)]), expected: "a JSON action")
            }
            try await self.waitForStatus("VM \(vm.name)", path: "vms/\(vmID)", expected: "a JSON vm", target: "up",
                                         timeout: self.options.startTimeout, option: "start_timeout") { status, seen in
                let starting: Set<String> = ["wait_for_launch", "powering_up"]
                if status == "down", seen.contains(where: starting.contains) {
                    return "the VM went back to down while starting (see the engine's events)"
                }
                return nil
            }
            return ((), "VM \(vm.name) is up", ["vm_id": vmID])
        }
    }
}
