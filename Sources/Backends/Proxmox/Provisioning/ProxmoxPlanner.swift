import AggregatorCore
import BackendSupport

/// Turns a survey of the engine into every problem with the item, or its plan.
struct ProxmoxPlanner {
    let engine: String
    let item: ProvisioningItem
    let vm: VMSpec
    let section: ProxmoxSection
    let survey: ProxmoxSurvey
    private var issues: [ValidationIssue] = []

    /// SCSI slots a VM may have (`scsi0`–`scsi30`).
    static let scsiSlots = 0...30

    init(engine: String, item: ProvisioningItem, vm: VMSpec, section: ProxmoxSection, survey: ProxmoxSurvey) {
        self.engine = engine
        self.item = item
        self.vm = vm
        self.section = section
        self.survey = survey
    }

    private mutating func issue(_ path: String, _ message: String, fix: String? = nil, at value: JSONValue? = nil) {
        issues.append(ValidationIssue(path: path, message: message, fix: fix, at: value))
    }

    private mutating func sectionIssue(_ key: String, _ message: String, fix: String? = nil) {
        issue(item.sectionPath(key), message, fix: fix, at: item.section[key])
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : Array(Set(names)).sorted().joined(separator: ", ")
    }

    /// The template `reference` names: a numeric vmid, else the guest with that name (a template
    /// preferred). Nil when nothing matches.
    static func findTemplate(_ reference: String, in guests: [ProxmoxResource]) -> ProxmoxResource? {
        let qemu = guests.filter(\.isQemu)
        if let vmid = Int(reference.trimmingWhitespace()) {
            return qemu.first { $0.vmidValue == vmid }
        }
        let named = qemu.filter { $0.name == reference }
        return named.first(where: \.isTemplate) ?? named.first
    }

    mutating func outcome() throws(BackendError) -> PlanOutcome {
        let node = checkNode()
        checkName()
        let storage = checkStorage(online: node != nil)
        checkBridge(online: node != nil)
        checkPool()
        checkSnippet(online: node != nil)
        let template = checkTemplate()
        let boot = checkDisks(template: template)
        if let node { checkSize(node) }
        let extra = extraDisks()
        guard issues.isEmpty, node != nil, storage != nil, let template, let templateVMID = template.vmidValue,
              let templateNode = template.node
        else { return .invalid(issues) }

        guard let prefix = NetworkText.prefixLength(ofNetmask: vm.netmask) else {
            return .invalid([ValidationIssue(path: item.paths.address, message: "netmask \(vm.netmask) is not contiguous")])
        }
        var steps: [ProxmoxPlan.Step] = [.clone, .configure]
        if let boot, boot.requested > boot.template { steps.append(.resizeBootDisk) }
        steps += extra.indices.map { ProxmoxPlan.Step.addDisk($0) }
        steps += [.start, .waitRunning]
        let plan = ProxmoxPlan(
            steps: steps, name: vm.name, node: section.node, templateVMID: templateVMID, templateName: template.name ?? vm.template,
            templateNode: templateNode, storage: section.storage, pool: section.pool, vmid: section.vmid,
            cores: vm.cores, memoryMiB: vm.memoryGB * 1024, bridge: section.bridge, vlanTag: item.vlan.id,
            ipConfig: "ip=\(vm.address)/\(prefix),gw=\(vm.gateway)", nameservers: vm.dnsServers.joined(separator: " "),
            searchDomain: ProxmoxRules.searchDomain(ofHostname: vm.hostname), cicustom: section.cicustom,
            metaText: ProxmoxRules.metaText(item.meta), bootDiskSlot: boot?.slot,
            bootDiskGiB: boot.map { Int($0.requested / ProxmoxRules.gibibyte) }, extraDisks: extra)
        let display = steps.map { ProxmoxPlanner.describe($0, plan: plan, templateBootBytes: boot?.template, vm: vm) }
        return .ready(try ProvisioningPlan(engine: engine, kind: ProxmoxBackend.kind, steps: display, payload: plan))
    }

    // MARK: - Checks

    private mutating func checkNode() -> ProxmoxResource? {
        guard let node = survey.nodes.first(where: { $0.node == section.node }) else {
            sectionIssue("node", "node '\(section.node)' not found on engine \(engine); its nodes: "
                            + Self.list(survey.nodes.compactMap(\.node)))
            return nil
        }
        guard node.status == "online" else {
            let online = survey.nodes.filter { $0.status == "online" }.compactMap(\.node)
            sectionIssue("node", "node '\(section.node)' is \(node.status ?? "unknown"), not online; online nodes: "
                            + Self.list(online))
            return nil
        }
        return node
    }

    private mutating func checkName() {
        if let problem = ProxmoxRules.vmNameProblem(vm.name) {
            issue(item.paths.vmName, "VM name '\(vm.name)' \(problem)",
                  fix: "use letters, digits and '-', e.g. \(vm.name.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined())")
        }
        if let existing = survey.guests.first(where: { $0.name == vm.name }) {
            let what = existing.isTemplate ? "template" : (existing.type == "lxc" ? "container" : "VM")
            issue(item.paths.vmName,
                  "a \(what) named \(vm.name) already exists on engine \(engine) (vmid \(existing.vmidValue.map(String.init) ?? "?")"
                    + " on node \(existing.node ?? "?"))",
                  fix: "choose another name; existing VMs are never replaced or duplicated")
        }
        if let vmid = section.vmid, let taken = survey.guests.first(where: { $0.vmidValue == vmid }) {
            sectionIssue("vmid", "VM id \(vmid) is taken by \(taken.name ?? "a guest") on node \(taken.node ?? "?")",
                         fix: "leave vmid out to take the next free id")
        }
    }

    private mutating func checkStorage(online: Bool) -> ProxmoxStorage? {
        guard online, let storages = survey.storages else { return nil }
        let usable = storages.filter { $0.contents.contains("images") && $0.isUsable }.map(\.storage)
        guard let storage = storages.first(where: { $0.storage == section.storage }) else {
            sectionIssue("storage", "storage '\(section.storage)' is not available on node \(section.node); storages "
                            + "there for VM disks: \(Self.list(usable))")
            return nil
        }
        guard storage.contents.contains("images") else {
            sectionIssue("storage", "storage '\(section.storage)' does not hold VM disks (content: "
                            + "\(storage.content ?? "none")); storages on node \(section.node) for VM disks: \(Self.list(usable))",
                         fix: "choose a storage with content 'images', or add it to this storage's content")
            return nil
        }
        guard storage.isUsable else {
            sectionIssue("storage", "storage '\(section.storage)' is disabled or inactive on node \(section.node); "
                            + "usable storages for VM disks: \(Self.list(usable))")
            return nil
        }
        return storage
    }

    private mutating func checkBridge(online: Bool) {
        guard online, let interfaces = survey.interfaces else { return }
        let bridges = interfaces.filter(\.isBridge)
        guard let bridge = bridges.first(where: { $0.iface == section.bridge }) else {
            sectionIssue("bridge", "bridge '\(section.bridge)' not found on node \(section.node); its bridges: "
                            + Self.list(bridges.map(\.iface)))
            return
        }
        if !bridge.isVLANAware {
            let aware = bridges.filter(\.isVLANAware).map(\.iface)
            sectionIssue("bridge", "bridge '\(section.bridge)' on node \(section.node) is not VLAN-aware, so the NIC "
                            + "cannot carry VLAN tag \(item.vlan.id); VLAN-aware bridges there: \(Self.list(aware))",
                         fix: "enable 'VLAN aware' on the bridge (bridge-vlan-aware yes) or choose a VLAN-aware bridge")
        }
    }

    private mutating func checkPool() {
        guard let pool = section.pool, let pools = survey.pools else { return }
        if !pools.contains(pool) {
            sectionIssue("pool", "pool '\(pool)' not found on engine \(engine); its pools: \(Self.list(pools))")
        }
    }

    private mutating func checkSnippet(online: Bool) {
        guard online, let snippet = section.userDataSnippet, let storages = survey.storages,
              let colon = snippet.firstIndex(of: ":") else { return }
        let storageName = String(snippet[..<colon])
        guard let storage = storages.first(where: { $0.storage == storageName }), storage.contents.contains("snippets") else {
            let holding = storages.filter { $0.contents.contains("snippets") }.map(\.storage)
            sectionIssue("cicustom", "storage '\(storageName)' holds no snippets on node \(section.node); storages with "
                            + "content 'snippets' there: \(Self.list(holding))",
                         fix: "enable content 'snippets' on a storage and put the user-data file in its snippets directory")
            return
        }
        if let snippets = survey.snippets, !snippets.contains(where: { $0.volid == snippet }) {
            sectionIssue("cicustom", "snippet \(snippet) does not exist on node \(section.node)",
                         fix: "copy the user-data file into the snippets directory of storage \(storageName) on every "
                            + "node (the API cannot upload snippets)")
        }
    }

    private mutating func checkTemplate() -> ProxmoxResource? {
        let templates = survey.guests.filter { $0.isQemu && $0.isTemplate }
        guard let template = Self.findTemplate(vm.template, in: survey.guests) else {
            issue(item.paths.template, "template '\(vm.template)' not found on engine \(engine); its templates: "
                    + Self.list(templates.map { "\($0.name ?? "?") (\($0.vmidValue.map(String.init) ?? "?"))" }),
                  fix: "name a template, or give its vmid")
            return nil
        }
        let vmid = template.vmidValue.map(String.init) ?? "?"
        guard template.isTemplate else {
            issue(item.paths.template, "VM \(template.name ?? vmid) (vmid \(vmid)) is not a template",
                  fix: "convert it to a template, or name one of: "
                    + Self.list(templates.compactMap(\.name)))
            return nil
        }
        let sameName = templates.filter { $0.name == template.name }
        if Int(vm.template) == nil, sameName.count > 1 {
            issue(item.paths.template, "\(sameName.count) templates are named \(vm.template): vmids "
                    + Self.list(sameName.compactMap { $0.vmidValue.map(String.init) }),
                  fix: "give the template's vmid instead of its name")
            return nil
        }
        if let templateNode = template.node, templateNode != section.node, let storages = survey.templateNodeStorages,
           let config = survey.templateConfig {
            let shared = Set(storages.filter { $0.shared?.value == true }.map(\.storage))
            let local = ProxmoxDrive.drives(of: config).filter(\.isDisk).compactMap(\.storage).filter { !shared.contains($0) }
            if !local.isEmpty {
                issue(item.paths.template, "template \(vm.template) is on node \(templateNode) with disks on local storage "
                        + "(\(Self.list(local))), so it cannot be cloned to node \(section.node)",
                      fix: "use a template on node \(section.node) or on shared storage")
            }
            if let target = survey.storages?.first(where: { $0.storage == section.storage }), target.shared?.value != true {
                sectionIssue("storage", "storage '\(section.storage)' is not shared, and a clone from template node "
                                + "\(templateNode) to node \(section.node) can only target shared storage",
                             fix: "choose a shared storage, or a template on node \(section.node)")
            }
        }
        return template
    }

    /// The boot disk's slot with the template's and the requested size (bytes).
    private mutating func checkDisks(template: ProxmoxResource?) -> (slot: String, template: Int64, requested: Int64)? {
        guard let template, let config = survey.templateConfig else { return nil }
        guard let boot = ProxmoxDrive.bootDisk(of: config) else {
            issue(item.paths.template, "template \(template.name ?? vm.template) has no disk to boot from",
                  fix: "use a template with an installed boot disk")
            return nil
        }
        let templateBytes = boot.sizeBytes ?? 0
        guard let index = vm.disks.firstIndex(where: \.isBootDisk) else {
            return (boot.slot, templateBytes, templateBytes)
        }
        let requested = Int64(vm.disks[index].sizeGB) * ProxmoxRules.gibibyte
        if requested < templateBytes {
            let minimum = (templateBytes + ProxmoxRules.gibibyte - 1) / ProxmoxRules.gibibyte
            issue(item.paths.diskSize(index), "the boot disk (/) must be at least \(ProxmoxRules.gib(templateBytes)): "
                    + "template \(template.name ?? vm.template)'s disk \(boot.slot) is that large and disks can only grow",
                  fix: "set the size to \(minimum) or more")
        }
        return (boot.slot, templateBytes, max(requested, templateBytes))
    }

    private mutating func checkSize(_ node: ProxmoxResource) {
        if let cpus = node.maxcpu?.int, vm.cores > cpus {
            issue(item.paths.cores, "\(vm.cores) cores is more than node \(section.node) has (\(cpus) CPUs)",
                  fix: "at most \(cpus)")
        }
        if let memory = node.maxmem?.int64, Int64(vm.memoryGB) * ProxmoxRules.gibibyte > memory {
            issue(item.paths.memory, "\(vm.memoryGB) GiB of memory is more than node \(section.node) has "
                    + "(\(ProxmoxRules.gib(memory)))", fix: "at most \(memory / ProxmoxRules.gibibyte)")
        }
    }

    /// Disks beyond the boot disk, each on the next SCSI slot the template leaves free.
    private mutating func extraDisks() -> [ProxmoxPlan.ExtraDisk] {
        let used = Set((survey.templateConfig ?? [:]).keys.filter(ProxmoxDrive.isSlot))
        var free = Self.scsiSlots.map { "scsi\($0)" }.filter { !used.contains($0) }.makeIterator()
        var result: [ProxmoxPlan.ExtraDisk] = []
        for (index, disk) in vm.disks.enumerated() where !disk.isBootDisk {
            guard let slot = free.next() else {
                issue(item.paths.disk(index), "no SCSI slot is left for this disk (scsi0–scsi30)")
                continue
            }
            result.append(.init(requestIndex: index, slot: slot, sizeGiB: disk.sizeGB, mountPoint: disk.mountPoint))
        }
        return result
    }
}
