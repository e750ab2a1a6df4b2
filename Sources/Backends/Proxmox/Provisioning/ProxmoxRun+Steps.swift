import AggregatorCore
import BackendSupport
import Logging

extension ProxmoxRun {
    // MARK: - Clone

    func cloneStep() async throws {
        let step = ProxmoxPlan.Step.clone
        if let (existing, config) = try await existingGuest() {
            try await reuse(existing, config: config, step: step)
            return
        }
        try await self.step(step) {
            let templatePath = "nodes/\(FormEncoding.pathSegment(payload.templateNode))/qemu/\(payload.templateVMID)/clone"
            var attempt = 0
            while true {
                let newid: Int
                if let requested = payload.vmid { newid = requested } else { newid = try await nextID() }
                var form: [(name: String, value: String)] = [
                    ("newid", String(newid)), ("name", payload.name), ("full", "1"), ("storage", payload.storage),
                    ("description", ProxmoxRules.description(meta: payload.metaText, jobID: job.jobID)),
                ]
                if payload.templateNode != payload.node { form.append(("target", payload.node)) }
                if let pool = payload.pool { form.append(("pool", pool)) }
                let upid: String?
                do {
                    upid = try await session.write("POST", path: templatePath, form: form)
                } catch let error as BackendError where payload.vmid == nil && attempt < options.nextIDRetries
                    && error.message.contains("already exists")
                {
                    attempt += 1
                    job.logger.info("VM id taken meanwhile, cloning with a fresh one",
                                    metadata: metadata.merging(["vm.id": "\(newid)"]) { $1 })
                    continue
                }
                vmid = newid
                var ids = ["vm_id": String(newid), "node": payload.node]
                if let upid { ids["upid"] = upid }
                // The VM exists (locked) from now on: on record before the long wait for its disks.
                await recorder.stepReportedIDs(step.name, engineIDs: ids)
                if let upid { try await waitForTask(upid, what: step.name) }
                return ("cloned template \(payload.templateName) as \(payload.name) (vmid \(newid))", ids)
            }
        }
    }

    /// The guest of the plan's name, with its configuration when it is a QEMU VM. A clone to another
    /// node finishes by moving the VM there, so the configuration may be gone from the node the
    /// listing named by the time it is read: then the cluster is listed again (a few times).
    private func existingGuest() async throws -> (ProxmoxResource, ProxmoxVMConfig?)? {
        var attempt = 0
        while true {
            let guests = try await session.get([ProxmoxResource].self, path: "cluster/resources", query: [("type", "vm")],
                                               expected: "a JSON resource list")
            guard let existing = guests.first(where: { $0.name == payload.name }) else { return nil }
            guard existing.isQemu, !existing.isTemplate, let id = existing.vmidValue, let node = existing.node else {
                return (existing, nil)
            }
            do {
                let config = try await session.get(ProxmoxVMConfig.self,
                                                   path: "nodes/\(FormEncoding.pathSegment(node))/qemu/\(id)/config",
                                                   expected: "a JSON VM configuration")
                return (existing, config)
            } catch let error as BackendError where attempt < 3 && error.message.contains("does not exist") {
                attempt += 1
            }
        }
    }

    /// A VM of the plan's name exists: reuse it when this job made it, else fail and leave it alone.
    private func reuse(_ existing: ProxmoxResource, config: ProxmoxVMConfig?, step: ProxmoxPlan.Step) async throws {
        guard let config, let id = existing.vmidValue, let node = existing.node else {
            try await self.step(step) { throw taken(existing, madeBy: nil) }
            return
        }
        let maker = ProxmoxRules.creatingJob(description: config["description"]?.value)
        // The clone task a stopped run started, when it recorded one: followed to its end, its exit
        // status included.
        let upid = execution.unfinishedStep(step.name)?.engineIDs["upid"]
        let cloning = config["lock"] != nil || upid != nil
        // A clone to another node is made on the template's node and moved when it is done.
        let placed = node == payload.node || (cloning && node == payload.templateNode)
        guard maker == job.jobID, placed else {
            try await self.step(step) { throw taken(existing, madeBy: maker) }
            return
        }
        vmid = id
        let ids = ["vm_id": String(id), "node": payload.node]
        engineIDs.merge(ids) { $1 }
        if cloning {
            // An earlier run was stopped while the clone ran: wait for the engine to finish it.
            try await self.step(step) {
                await recorder.stepReportedIDs(step.name, engineIDs: ids)
                if let upid {
                    try await waitForTask(upid, what: step.name)
                } else {
                    try await waitForClone(id)
                }
                return ("VM \(payload.name) (vmid \(id)) made by this job finished cloning: reused", ids)
            }
            return
        }
        await skip(step, "VM \(payload.name) (vmid \(id)) made by this job exists: reused", ids: ids)
    }

    private func taken(_ existing: ProxmoxResource, madeBy maker: String?) -> BackendError {
        var message = "a guest named \(payload.name) already exists (vmid \(existing.vmidValue.map(String.init) ?? "?")"
            + " on node \(existing.node ?? "?"))"
        message += maker.map { ", made by job \($0)" } ?? ", not made by this job"
        return BackendError(.httpStatus, engine: engine, message: message + "; it is left alone", httpStatus: 409)
    }

    private func nextID() async throws -> Int {
        let number = try await session.get(ProxmoxNumber.self, path: "cluster/nextid", expected: "a free VM id")
        guard let id = number.int, ProxmoxSection.vmidRange.contains(id) else {
            throw BackendError(.invalidResponse, engine: engine, message: "GET /cluster/nextid: \(number.value) is not a VM id")
        }
        return id
    }

    // MARK: - Configure

    /// The settings the plan asks for, as the API writes them.
    func desiredSettings(current: ProxmoxVMConfig) -> [(name: String, value: String)] {
        var net0 = "virtio,bridge=\(payload.bridge),tag=\(payload.vlanTag)"
        // Keep the MAC address the clone gave the NIC.
        if let current = current["net0"]?.value, let mac = ProxmoxPropertyString(current)["virtio"] {
            net0 = "virtio=\(mac),bridge=\(payload.bridge),tag=\(payload.vlanTag)"
        }
        var settings: [(name: String, value: String)] = [
            ("cores", String(payload.cores)), ("memory", String(payload.memoryMiB)), ("net0", net0),
            ("ipconfig0", payload.ipConfig), ("nameserver", payload.nameservers),
        ]
        if let domain = payload.searchDomain { settings.append(("searchdomain", domain)) }
        if let cicustom = payload.cicustom { settings.append(("cicustom", cicustom)) }
        settings.append(("description", ProxmoxRules.description(meta: payload.metaText, jobID: job.jobID)))
        return settings
    }

    /// Whether the configuration already holds `value` for `key` (a NIC compares model, bridge and tag).
    static func satisfied(_ key: String, _ value: String, in config: ProxmoxVMConfig) -> Bool {
        guard let current = config[key]?.value else { return false }
        if key == "net0" {
            let have = ProxmoxPropertyString(current)
            let want = ProxmoxPropertyString(value)
            return have["virtio"] != nil && have["bridge"] == want["bridge"] && have["tag"] == want["tag"]
        }
        return current.trimmingWhitespace() == value.trimmingWhitespace()
    }

    func configureStep() async throws {
        let step = ProxmoxPlan.Step.configure
        let id = try requireVMID()
        try await finishRecordedTask(of: step)
        let current = try await config(id)
        let changes = desiredSettings(current: current).filter { !Self.satisfied($0.name, $0.value, in: current) }
        guard !changes.isEmpty else {
            await skip(step, "cores, memory, NIC, cloud-init and description are as requested")
            return
        }
        try await self.step(step) {
            let upid = try await writeAndWait("POST", path: "\(vmPath(id))/config", form: changes, step: step)
            return ("set " + changes.map(\.name).joined(separator: ", "), upid.map { ["upid": $0] } ?? [:])
        }
    }

    // MARK: - Disks

    func resizeStep() async throws {
        let step = ProxmoxPlan.Step.resizeBootDisk
        let id = try requireVMID()
        try await finishRecordedTask(of: step)
        guard let slot = payload.bootDiskSlot, let size = payload.bootDiskGiB else { return }
        let target = Int64(size) * ProxmoxRules.gibibyte
        let drive = try await config(id)[slot].flatMap { ProxmoxDrive(slot: slot, text: $0.value) }
        if let current = drive?.sizeBytes, current >= target {
            await skip(step, "\(slot) is \(ProxmoxRules.gib(current)) already")
            return
        }
        try await self.step(step) {
            let upid = try await writeAndWait("PUT", path: "\(vmPath(id))/resize",
                                              form: [("disk", slot), ("size", "\(size)G")], step: step)
            return ("\(slot) grown to \(size) GiB", upid.map { ["upid": $0] } ?? [:])
        }
    }

    func addDiskStep(_ index: Int) async throws {
        let step = ProxmoxPlan.Step.addDisk(index)
        let id = try requireVMID()
        try await finishRecordedTask(of: step)
        let disk = payload.extraDisks[index]
        if let present = try await config(id)[disk.slot] {
            await skip(step, "\(disk.slot) exists: \(present.value)")
            return
        }
        try await self.step(step) {
            let upid = try await writeAndWait("POST", path: "\(vmPath(id))/config",
                                              form: [(disk.slot, "\(payload.storage):\(disk.sizeGiB)")], step: step)
            var ids = ["disk[\(disk.requestIndex)]": disk.slot]
            if let upid { ids["upid"] = upid }
            return ("\(disk.sizeGiB) GiB disk \(disk.slot) on \(payload.storage)"
                        + (disk.mountPoint.map { " for \($0)" } ?? ""), ids)
        }
    }

    // MARK: - Start

    func startStep() async throws {
        let step = ProxmoxPlan.Step.start
        let id = try requireVMID()
        try await finishRecordedTask(of: step)
        if try await currentStatus(id).status == "running" {
            await skip(step, "VM \(payload.name) is running already")
            return
        }
        try await self.step(step) {
            let upid = try await writeAndWait("POST", path: "\(vmPath(id))/status/start", form: [], step: step)
            return ("started VM \(payload.name)", upid.map { ["upid": $0] } ?? [:])
        }
    }

    func waitRunningStep() async throws {
        let step = ProxmoxPlan.Step.waitRunning
        let id = try requireVMID()
        try await self.step(step) {
            try await waitForStatus(id, what: "report running") { status in
                status.status == "running" && (status.qmpstatus == nil || status.qmpstatus == "running")
            }
            return ("VM \(payload.name) is running", ["vm_id": String(id)])
        }
    }
}
