import AggregatorCore
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
            try await self.waitForStatus("VM \(vm.name)", path: "vms/\(id)", expected: "a JSON vm", target: "down",
                                         timeout: self.options.createTimeout, option: "create_timeout") { status, _ in
                status == "illegal" ? "the VM became illegal" : nil
            }
            return (id, "created VM \(vm.name); it is down", ["vm_id": id])
        }
    }

    func extendBootDisk(to size: Int64, vmID: String) async throws {
        let attachments = try await get(OvirtCollection<OvirtDiskAttachment>.self, "vms/\(vmID)/diskattachments",
                                        expected: "a JSON disk attachment list").items
        guard let boot = attachments.first(where: { $0.bootable?.value == true }) ?? attachments.first,
              let diskID = boot.diskID
        else { return }
        engineIDs["boot_disk_id"] = diskID
        let current = try await get(OvirtDisk.self, "disks/\(diskID)", expected: "a JSON disk").provisionedSize?.value
        if let current, current >= size {
            await recorder.stepSkipped(OvirtStep.extendBootDisk, reason: "the boot disk is \(OvirtRules.gib(current)) already")
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

    /// Adds `vm.disks[index]`; returns where the guest mounts it, if anywhere.
    func addDisk(_ index: Int, vm planned: OvirtPlan.VirtualMachine, vmID: String) async throws
        -> OvirtCloudInit.Mount?
    {
        let vm = planned.spec
        let storageDomainID = planned.storageDomain.id
        guard vm.disks.indices.contains(index) else {
            throw BackendError(.invalidResponse, engine: engine, message: "the plan adds disk [\(index)], which the VM does not have")
        }
        let disk = vm.disks[index]
        do {
            let diskID = try await step(OvirtStep.addDisk(index)) {
                let body = OvirtBody.object([
                    "bootable": .bool(false),
                    "interface": .string("virtio_scsi"),
                    "active": .bool(true),
                    "disk": .object([
                        "name": .string("\(vm.name)_Disk\(index + 1)"),
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
                await self.recorder.stepReportedIDs(OvirtStep.addDisk(index), engineIDs: ["disk_id[\(index)]": diskID])
                try await self.waitForDisk(diskID)
                return (diskID, "\(disk.sizeGB) GiB disk" + (disk.mountPoint.map { " for \($0)" } ?? ""),
                        ["disk_id[\(index)]": diskID])
            }
            return disk.mountPoint.map { OvirtCloudInit.Mount(diskID: diskID, mountPoint: $0) }
        }
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
            if let inherited = nics.first(where: { $0.name == "nic1" }), let nicID = inherited.id {
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
            _ = try await self.write(OvirtAction.self, "POST", "vms/\(vmID)/start",
                                     body: .object(["use_cloud_init": .bool(true)]), expected: "a JSON action")
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
