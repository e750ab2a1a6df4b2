import AggregatorCore

extension VSpherePlanner {
    /// The operator's view of one step: the vSphere call and its values.
    static func describe(_ step: VSpherePlan.Step, plan: VSpherePlan, templateBootKiB: Int64?) -> ProvisioningPlan.Step {
        let network = plan.network
        guard let vm = plan.vm else {
            return portGroup(network, datacenter: plan.datacenter)
        }
        switch step {
        case .portGroup:
            return portGroup(network, datacenter: plan.datacenter)
        case .clone:
            return .init(name: step.name, description: "CloneVM_Task of template \(vm.template) "
                            + "(\(vm.templateRef.value)) as \(vm.name) into folder \(vm.folderPath) of datacenter "
                            + "\(plan.datacenter), resource pool of cluster \(vm.cluster) (\(vm.resourcePool.value)), "
                            + "datastore \(vm.datastore), powered off; wait for the task")
        case .configure:
            return .init(name: step.name, description: "ReconfigVM_Task: numCPUs=\(vm.cpus), numCoresPerSocket="
                            + "\(vm.cpus), memoryMB=\(vm.memoryMiB), annotation: \(vm.metaText) and this job's id, "
                            + "first NIC on port group \(network.portGroupName) of \(network.switchName) (VLAN "
                            + "\(network.vlanID)), connected at power on; wait for the task")
        case .resizeBootDisk:
            let from = templateBootKiB.map { "\($0) KiB" } ?? "the template's size"
            let to = (vm.bootDiskKiB ?? 0) / kibibytesPerGiB
            return .init(name: step.name, description: "ReconfigVM_Task: first disk from \(from) to \(to) GiB; "
                            + "wait for the task")
        case .addDisk(let index):
            let disk = vm.extraDisks[index]
            var text = "ReconfigVM_Task: add a \(disk.sizeGiB) GiB \(disk.thin ? "thin" : "thick") disk on "
                + "\(vm.datastore), on the boot disk's controller"
            if let mount = disk.mountPoint {
                text += "; \(mount) is not mounted by vSphere: the guest's own setup formats and mounts it"
            }
            return .init(name: step.name, description: text + "; wait for the task")
        case .customize:
            var text = "CustomizeVM_Task: Linux host name \(vm.address.hostName)"
            if let domain = vm.address.domain { text += ", domain \(domain)" }
            text += ", address \(vm.address.ip)/\(vm.address.netmask) via \(vm.address.gateway), DNS "
                + vm.address.dnsServers.joined(separator: " ") + "; applied when the VM first powers on"
            return .init(name: step.name, description: text + "; wait for the task")
        case .powerOn:
            return .init(name: step.name, description: "PowerOnVM_Task; wait for the task")
        }
    }

    private static func portGroup(_ network: VSpherePlan.Network, datacenter: String) -> ProvisioningPlan.Step {
        let name = VSpherePlan.Step.portGroup.name
        if let existing = network.existingPortGroup {
            let why = network.named ? "named in the request" : "carries VLAN \(network.vlanID)"
            return .init(name: name, description: "port group \(network.portGroupName) (\(existing.value)) of "
                            + "distributed switch \(network.switchName) \(why): reused", alreadyDone: true)
        }
        return .init(name: name, description: "AddDVPortgroup_Task on distributed switch \(network.switchName) in "
                        + "datacenter \(datacenter): port group \(network.portGroupName), early binding, "
                        + "\(VSphereRun.portGroupPorts) ports, VLAN \(network.vlanID); wait for the task")
    }
}
