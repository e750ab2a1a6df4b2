import AggregatorCore

extension ProxmoxPlanner {
    /// The operator's view of one step: the API call and its values.
    static func describe(_ step: ProxmoxPlan.Step, plan: ProxmoxPlan, templateBootBytes: Int64?, vm: VMSpec)
        -> ProvisioningPlan.Step
    {
        let target = "nodes/\(plan.node)/qemu/{vmid}"
        switch step {
        case .clone:
            let id = plan.vmid.map { "vmid \($0)" } ?? "the next free vmid (/cluster/nextid)"
            var text = "POST nodes/\(plan.templateNode)/qemu/\(plan.templateVMID)/clone: full clone of template "
                + "\(plan.templateName) (vmid \(plan.templateVMID) on \(plan.templateNode)) as \(plan.name), \(id)"
            if plan.templateNode != plan.node { text += ", target node \(plan.node)" }
            text += ", disks on \(plan.storage)"
            if let pool = plan.pool { text += ", pool \(pool)" }
            text += "; description: \(plan.metaText) and this job's id; wait for the task"
            return .init(name: step.name, description: text)
        case .configure:
            var settings = ["cores=\(plan.cores)", "memory=\(plan.memoryMiB)",
                            "net0=virtio,bridge=\(plan.bridge),tag=\(plan.vlanTag)", "ipconfig0=\(plan.ipConfig)",
                            "nameserver=\(plan.nameservers)"]
            if let domain = plan.searchDomain { settings.append("searchdomain=\(domain)") }
            if let cicustom = plan.cicustom { settings.append("cicustom=\(cicustom)") }
            var text = "POST \(target)/config: " + settings.joined(separator: ", ")
            let hostLabel = vm.hostname.split(separator: ".").first.map(String.init) ?? vm.hostname
            let nameLabel = plan.name.split(separator: ".").first.map(String.init) ?? plan.name
            if hostLabel != nameLabel {
                text += "; note: cloud-init names the guest after the VM (\(nameLabel)), not \(hostLabel)"
            }
            return .init(name: step.name, description: text + "; wait for the task if one is started")
        case .resizeBootDisk:
            let from = templateBootBytes.map(ProxmoxRules.gib) ?? "the template's size"
            return .init(name: step.name, description: "PUT \(target)/resize: \(plan.bootDiskSlot ?? "boot disk") from "
                            + "\(from) to \(plan.bootDiskGiB ?? 0)G; wait for the task")
        case .addDisk(let index):
            let disk = plan.extraDisks[index]
            var text = "POST \(target)/config: \(disk.slot)=\(plan.storage):\(disk.sizeGiB) (a new \(disk.sizeGiB) GiB disk)"
            if let mount = disk.mountPoint {
                text += plan.cicustom != nil
                    ? " for \(mount), mounted by the user data of \(plan.cicustom!)"
                    : "; \(mount) is not mounted in the guest: the Proxmox API cannot upload cloud-init snippets, "
                        + "so give cicustom with a user-data snippet that formats and mounts it"
            }
            return .init(name: step.name, description: text + "; wait for the task")
        case .start:
            return .init(name: step.name, description: "POST \(target)/status/start; wait for the task")
        case .waitRunning:
            return .init(name: step.name, description: "GET \(target)/status/current until the VM is running")
        }
    }
}
