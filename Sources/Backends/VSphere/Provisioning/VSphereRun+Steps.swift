import AggregatorCore
import BackendSupport

extension VSphereRun {
    // MARK: - Clone

    /// The VMs and templates named `name` now, with their annotation.
    func machines(named name: String) async throws -> [ObjectContent] {
        let objects = try await session.withContainerView(of: ["VirtualMachine"]) { view in
            try await session.retrieve(PropertyFilter(properties: [("VirtualMachine", ["name", "config.annotation",
                                                                                       "config.template"])],
                                                      source: .view(view)))
        }
        return objects.filter { $0.string("name") == name }
    }

    /// The VM a stopped run's clone made: the `vm_id` it put on record when the task ended, or
    /// the result of the task it had started (followed to its end now). Nil when there is none, or
    /// it is gone.
    private func recordedClone() async throws -> String? {
        guard let record = execution.unfinishedStep(VSpherePlan.Step.clone.name) else { return nil }
        var id = record.engineIDs["vm_id"]
        if id == nil, let outcome = try await finishRecordedTask(of: .clone) {
            id = outcome.reference.flatMap { $0.type == "VirtualMachine" ? $0.value : nil }
        }
        guard let id, try await backend.readObject(ManagedObjectReference("VirtualMachine", id), paths: ["name"]) != nil
        else { return nil }
        return id
    }

    func cloneStep() async throws {
        let step = VSpherePlan.Step.clone
        let machine = try requireMachine()
        if let id = try await recordedClone() {
            let reference = ManagedObjectReference("VirtualMachine", id)
            vm = reference
            try await self.step(step) {
                ("VM \(machine.name) (\(id)) cloned by this job before it was taken over: reused", ["vm_id": id])
            }
            return
        }
        if let existing = try await machines(named: machine.name).first {
            let maker = VMDescriptionText.creatingJob(existing.string("config.annotation"))
            guard maker == job.jobID, existing.bool("config.template") != true else {
                try await self.step(step) {
                    var message = "a VM named \(machine.name) already exists (\(existing.reference.value))"
                    message += maker.map { ", made by job \($0)" } ?? ", not made by this job"
                    throw BackendError(.httpStatus, engine: engine, message: message + "; it is left alone",
                                       httpStatus: 409)
                }
                return
            }
            vm = existing.reference
            await skip(step, "VM \(machine.name) (\(existing.reference.value)) made by this job exists: reused",
                       ids: ["vm_id": existing.reference.value])
            return
        }
        try await self.step(step) {
            let annotation = VMDescriptionText.text(meta: machine.metaText, jobID: job.jobID)
            let (_, outcome) = try await runTask(step, "CloneVM_Task", on: machine.templateRef, [
                SOAPNode(reference: "folder", machine.folder),
                SOAPNode("name", text: machine.name),
                VSphereSpecs.clone(pool: machine.resourcePool, datastore: machine.datastoreRef, annotation: annotation),
            ])
            guard let made = outcome.reference, made.type == "VirtualMachine" else {
                throw BackendError(.invalidResponse, engine: engine,
                                   message: "CloneVM_Task of \(machine.template) ended without the new VM's reference")
            }
            vm = made
            await recorder.stepReportedIDs(step.name, engineIDs: ["vm_id": made.value])
            return ("cloned template \(machine.template) as \(machine.name) (\(made.value))", ["vm_id": made.value])
        }
    }

    // MARK: - Configure

    static let configurePaths = ["config.hardware.numCPU", "config.hardware.numCoresPerSocket",
                                 "config.hardware.memoryMB", "config.annotation", "config.hardware.device"]

    func configureStep() async throws {
        let step = VSpherePlan.Step.configure
        let machine = try requireMachine()
        let reference = try requireVM()
        try await finishRecordedTask(of: step)
        guard let key = portGroupKey else {
            throw BackendError(.invalidResponse, engine: engine, message: "the plan has no port group before configure")
        }
        let current = try await readVM(Self.configurePaths)
        let annotation = VMDescriptionText.text(meta: machine.metaText, jobID: job.jobID)
        var members: [SOAPNode] = []
        var changed: [String] = []
        if current.string("config.annotation") != annotation.trimmingWhitespace() {
            members.append(SOAPNode("annotation", text: annotation))
            changed.append("annotation")
        }
        if current.int("config.hardware.numCPU") != machine.cpus {
            members.append(SOAPNode("numCPUs", text: "\(machine.cpus)"))
            changed.append("numCPUs=\(machine.cpus)")
        }
        if current.int("config.hardware.numCoresPerSocket") != machine.cpus {
            members.append(SOAPNode("numCoresPerSocket", text: "\(machine.cpus)"))
            changed.append("numCoresPerSocket=\(machine.cpus)")
        }
        if current.int("config.hardware.memoryMB") != machine.memoryMiB {
            members.append(SOAPNode("memoryMB", text: "\(machine.memoryMiB)"))
            changed.append("memoryMB=\(machine.memoryMiB)")
        }
        let devices = VSphereDevice.list(current.properties["config.hardware.device"])
        let backing = VSphereSpecs.portBacking(switchUUID: payload.network.switchUUID, portGroupKey: key)
        if let nic = devices.firstNIC, let element = nic.element {
            let startConnected = element.descendant("connectable.startConnected")?.text.trimmingWhitespace()
            if nic.portGroupKey != key || startConnected != "true" {
                members.append(VSphereSpecs.deviceChange("edit", device: VSphereSpecs.editedNIC(element, backing: backing)))
                changed.append("NIC \(nic.key) on port group \(payload.network.portGroupName)")
            }
        } else {
            members.append(VSphereSpecs.deviceChange("add", device: VSphereSpecs.newNIC(backing: backing)))
            changed.append("new vmxnet3 NIC on port group \(payload.network.portGroupName)")
        }
        guard !members.isEmpty else {
            await skip(step, "CPUs, memory, annotation and NIC are as requested")
            return
        }
        try await self.step(step) {
            try await runTask(step, "ReconfigVM_Task", on: reference, [VSphereSpecs.config(members)])
            return ("set " + changed.joined(separator: ", "), [:])
        }
    }

    // MARK: - Disks

    func resizeStep() async throws {
        let step = VSpherePlan.Step.resizeBootDisk
        let machine = try requireMachine()
        let reference = try requireVM()
        try await finishRecordedTask(of: step)
        guard let target = machine.bootDiskKiB else { return }
        let devices = VSphereDevice.list(try await readVM(["config.hardware.device"]).properties["config.hardware.device"])
        guard let boot = devices.disks.first, let element = boot.element else {
            try await self.step(step) {
                throw BackendError(.invalidResponse, engine: engine, message: "VM \(machine.name) has no disk to grow")
            }
            return
        }
        if let size = boot.capacityKiB, size >= target {
            await skip(step, "the first disk is \(size) KiB already")
            return
        }
        try await self.step(step) {
            let change = VSphereSpecs.deviceChange("edit", device: VSphereSpecs.resizedDisk(element, kib: target))
            try await runTask(step, "ReconfigVM_Task", on: reference, [VSphereSpecs.config([change])])
            return ("first disk grown to \(target / VSpherePlanner.kibibytesPerGiB) GiB", [:])
        }
    }

    func addDiskStep(_ index: Int) async throws {
        let step = VSpherePlan.Step.addDisk(index)
        let machine = try requireMachine()
        let reference = try requireVM()
        try await finishRecordedTask(of: step)
        let disk = machine.extraDisks[index]
        let devices = VSphereDevice.list(try await readVM(["config.hardware.device"]).properties["config.hardware.device"])
        let disks = devices.disks
        if disks.count >= index + 2 {
            await skip(step, "the VM has \(disks.count) disks already")
            return
        }
        try await self.step(step) {
            guard let controller = disks.first?.controllerKey, let unit = devices.freeUnit(on: controller) else {
                throw BackendError(.invalidResponse, engine: engine,
                                   message: "VM \(machine.name) has no free unit on its boot disk's controller")
            }
            let kib = Int64(disk.sizeGiB) * VSpherePlanner.kibibytesPerGiB
            let device = VSphereSpecs.newDisk(key: -100 - index, controller: controller, unit: unit, kib: kib,
                                              datastore: machine.datastoreRef, thin: disk.thin)
            let change = VSphereSpecs.deviceChange("add", fileOperation: "create", device: device)
            try await runTask(step, "ReconfigVM_Task", on: reference, [VSphereSpecs.config([change])])
            return ("\(disk.sizeGiB) GiB disk at unit \(unit) of controller \(controller) on \(machine.datastore)"
                        + (disk.mountPoint.map { " for \($0)" } ?? ""), [:])
        }
    }

    // MARK: - Customize and power on

    func customizeStep() async throws {
        let step = VSpherePlan.Step.customize
        let machine = try requireMachine()
        let reference = try requireVM()
        try await finishRecordedTask(of: step)
        let current = try await readVM(["runtime.powerState", "config.tools.pendingCustomization"])
        if current.string("runtime.powerState") == "poweredOn" {
            await skip(step, "VM \(machine.name) is running: a customization applies at power on, so it was applied")
            return
        }
        if current.string("config.tools.pendingCustomization") != nil {
            await skip(step, "a customization of VM \(machine.name) is pending already")
            return
        }
        try await self.step(step) {
            try await runTask(step, "CustomizeVM_Task", on: reference, [VSphereSpecs.customization(machine.address)])
            return ("address \(machine.address.ip) and host name \(machine.address.hostName) apply at power on", [:])
        }
    }

    func powerOnStep() async throws {
        let step = VSpherePlan.Step.powerOn
        let machine = try requireMachine()
        let reference = try requireVM()
        try await finishRecordedTask(of: step)
        if try await readVM(["runtime.powerState"]).string("runtime.powerState") == "poweredOn" {
            await skip(step, "VM \(machine.name) is running already", ids: ["vm_id": reference.value])
            return
        }
        try await self.step(step) {
            try await runTask(step, "PowerOnVM_Task", on: reference, [])
            return ("VM \(machine.name) is running", ["vm_id": reference.value])
        }
    }
}
