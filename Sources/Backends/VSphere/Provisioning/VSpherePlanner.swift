import AggregatorCore
import BackendSupport

/// Turns a survey of the vCenter into every problem with the item, or its plan.
struct VSpherePlanner {
    let engine: String
    let item: ProvisioningItem
    let section: VSphereSection
    let survey: VSphereSurvey
    private var issues: [ValidationIssue] = []

    static let kibibytesPerGiB: Int64 = 1 << 20
    /// vSphere inventory names are at most 80 characters.
    static let maxNameLength = 80

    init(engine: String, item: ProvisioningItem, section: VSphereSection, survey: VSphereSurvey) {
        self.engine = engine
        self.item = item
        self.section = section
        self.survey = survey
    }

    /// The name of the port group made for `vlan`: the seed's network name, or `vlan-ID` when
    /// the request named none (`POST /api/v1/vms` without `network.name`).
    static func portGroupName(_ vlan: VLANSpec) -> String {
        vlan.name == "vlan\(vlan.id)" && vlan.suffix.isEmpty ? "vlan-\(vlan.id)" : vlan.networkName
    }

    /// A guest host name customization accepts: letters, digits and `-` (others become `-`), at
    /// most 63 characters, not starting or ending with `-` (`test_vm_11` becomes `test-vm-11`).
    static func hostLabel(_ text: String) -> String {
        let mapped = String(text.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) ? Character(scalar) : "-"
        })
        var label = Substring(mapped.prefix(63))
        while label.hasPrefix("-") { label = label.dropFirst() }
        while label.hasSuffix("-") { label = label.dropLast() }
        return label.isEmpty ? "vm" : String(label)
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

    mutating func outcome() throws(BackendError) -> PlanOutcome {
        let datacenter = checkDatacenter()
        let network = datacenter.flatMap { checkNetwork(in: $0) }
        var machine: VSpherePlan.Machine?
        var templateBootKiB: Int64?
        if item.action == .createVM, let vm = item.vm {
            (machine, templateBootKiB) = checkMachine(vm, datacenter: datacenter)
        }
        guard issues.isEmpty, let datacenter, let network, item.action != .createVM || machine != nil else {
            return .invalid(issues)
        }
        var steps: [VSpherePlan.Step] = [.portGroup]
        if let machine {
            steps += [.clone, .configure]
            if let boot = machine.bootDiskKiB, boot > (templateBootKiB ?? 0) { steps.append(.resizeBootDisk) }
            steps += machine.extraDisks.indices.map { VSpherePlan.Step.addDisk($0) }
            steps += [.customize, .powerOn]
        }
        let plan = VSpherePlan(steps: steps, datacenter: datacenter.name, network: network, vm: machine)
        let display = steps.map { Self.describe($0, plan: plan, templateBootKiB: templateBootKiB) }
        return .ready(try ProvisioningPlan(engine: engine, kind: VSphereBackend.kind, steps: display, payload: plan))
    }

    // MARK: - Checks

    private mutating func checkDatacenter() -> VSphereSurvey.Datacenter? {
        guard let found = survey.datacenters.first(where: { $0.name == section.datacenter }) else {
            sectionIssue("datacenter", "datacenter '\(section.datacenter)' not found on engine \(engine); its datacenters: "
                            + Self.list(survey.datacenters.map(\.name)))
            return nil
        }
        return found
    }

    private mutating func checkNetwork(in datacenter: VSphereSurvey.Datacenter) -> VSpherePlan.Network? {
        let vlan = item.vlan
        if !(1...4094).contains(vlan.id) {
            issue(item.paths.vlanID, "VLAN id \(vlan.id) is out of range", fix: "a VLAN id is 1–4094")
        }
        let switches = survey.switches.filter { $0.named.datacenter == datacenter.name }
        guard let found = switches.first(where: { $0.named.name == section.switchName }) else {
            sectionIssue("switch", "distributed switch '\(section.switchName)' not found in datacenter \(datacenter.name); "
                            + "its distributed switches: \(Self.list(switches.map(\.named.name)))")
            return nil
        }
        guard let uuid = found.uuid else {
            sectionIssue("switch", "distributed switch '\(section.switchName)' reports no uuid, which a NIC's port "
                            + "connection needs")
            return nil
        }
        let ownGroups = survey.portGroups.filter { $0.switchRef == found.named.reference }
        if let named = section.portGroup {
            guard let group = ownGroups.first(where: { $0.name == named }) else {
                sectionIssue("port_group", "port group '\(named)' is not on distributed switch \(section.switchName); "
                                + "its port groups: \(Self.list(ownGroups.map(\.name)))",
                             fix: "leave port_group out to use (or make) the switch's port group of VLAN \(vlan.id)")
                return nil
            }
            return VSpherePlan.Network(switchName: found.named.name, switchRef: found.named.reference, switchUUID: uuid,
                                       vlanID: vlan.id, portGroupName: group.name, existingPortGroup: group.reference,
                                       named: true)
        }
        let carrying = survey.portGroups(of: found.named.reference, vlanID: vlan.id)
        let name = Self.portGroupName(vlan)
        let existing = carrying.first { $0.name == name } ?? carrying.sorted { $0.name < $1.name }.first
        if existing == nil, name.count > Self.maxNameLength {
            issue(item.paths.vlanName, "port group name '\(name)' is longer than \(Self.maxNameLength) characters")
        }
        return VSpherePlan.Network(switchName: found.named.name, switchRef: found.named.reference, switchUUID: uuid,
                                   vlanID: vlan.id, portGroupName: existing?.name ?? name,
                                   existingPortGroup: existing?.reference, named: false)
    }

    private mutating func checkMachine(_ vm: VMSpec, datacenter: VSphereSurvey.Datacenter?)
        -> (VSpherePlan.Machine?, Int64?)
    {
        checkName(vm)
        let template = checkTemplate(vm)
        guard let datacenter else { return (nil, nil) }
        let folder = checkFolder(datacenter)
        let cluster = checkCluster(datacenter)
        let datastore = checkDatastore(datacenter, cluster: cluster)
        if let cluster { checkSwitchReach(cluster, datacenter: datacenter) }
        let (boot, bootKiB) = checkDisks(vm, template: template)
        let extra = extraDisks(vm, template: template)
        guard let folder, let cluster, let pool = cluster.resourcePool, let datastore, let template else {
            return (nil, bootKiB)
        }
        let labels = vm.hostname.split(separator: ".", maxSplits: 1).map(String.init)
        let address = VSpherePlan.Address(ip: vm.address, netmask: vm.netmask, gateway: vm.gateway,
                                          dnsServers: vm.dnsServers, hostName: Self.hostLabel(labels.first ?? vm.name),
                                          domain: labels.count > 1 ? labels[1] : nil)
        let machine = VSpherePlan.Machine(
            name: vm.name, template: template.named.name, templateRef: template.named.reference, folder: folder,
            folderPath: (["vm"] + (section.folder.map { [$0] } ?? [])).joined(separator: "/"),
            cluster: cluster.named.name, resourcePool: pool, datastore: datastore.name, datastoreRef: datastore.reference,
            cpus: vm.cores, memoryMiB: vm.memoryGB * 1024, metaText: VMDescriptionText.metaText(item.meta),
            bootDiskKiB: boot, extraDisks: extra, address: address)
        return (machine, bootKiB)
    }

    private mutating func checkName(_ vm: VMSpec) {
        if vm.name.count > Self.maxNameLength {
            issue(item.paths.vmName, "VM name '\(vm.name)' is longer than \(Self.maxNameLength) characters")
        }
        if let existing = survey.machines.first(where: { $0.named.name == vm.name }) {
            let what = existing.isTemplate ? "template" : "VM"
            issue(item.paths.vmName, "a \(what) named \(vm.name) already exists on engine \(engine) "
                    + "(\(existing.named.reference.value) in datacenter \(existing.named.datacenter ?? "?"))",
                  fix: "choose another name; existing VMs are never replaced or duplicated")
        }
    }

    private mutating func checkTemplate(_ vm: VMSpec) -> VSphereSurvey.Machine? {
        let named = survey.machines.filter { $0.named.name == vm.template }
        let templates = survey.machines.filter(\.isTemplate)
        guard let found = named.first(where: { $0.isTemplate && $0.named.datacenter == section.datacenter })
            ?? named.first(where: \.isTemplate)
        else {
            if named.isEmpty {
                issue(item.paths.template, "template '\(vm.template)' not found on engine \(engine); its templates: "
                        + Self.list(templates.map(\.named.name)))
            } else {
                issue(item.paths.template, "VM \(vm.template) is not a template",
                      fix: "mark it as a template, or name one of: \(Self.list(templates.map(\.named.name)))")
            }
            return nil
        }
        return found
    }

    private mutating func checkFolder(_ datacenter: VSphereSurvey.Datacenter) -> ManagedObjectReference? {
        guard let folder = survey.vmFolder(in: datacenter, path: section.folder) else {
            if section.folder != nil, let root = datacenter.vmFolder {
                let top = survey.folders.filter { $0.parent == root }.map(\.name)
                sectionIssue("folder", "VM folder '\(section.folder ?? "")' not found in datacenter \(datacenter.name); "
                                + "folders at the top of its VM folder: \(Self.list(top))",
                             fix: "create the folder first, or leave folder out to use the datacenter's VM folder")
            } else {
                sectionIssue("datacenter", "datacenter \(datacenter.name) reports no VM folder")
            }
            return nil
        }
        return folder
    }

    private mutating func checkCluster(_ datacenter: VSphereSurvey.Datacenter) -> VSphereSurvey.ClusterEntry? {
        guard let name = section.cluster else { return nil }
        let clusters = survey.clusters.filter { $0.named.datacenter == datacenter.name }
        guard let found = clusters.first(where: { $0.named.name == name }) else {
            sectionIssue("cluster", "cluster '\(name)' not found in datacenter \(datacenter.name); its clusters: "
                            + Self.list(clusters.map(\.named.name)))
            return nil
        }
        if found.resourcePool == nil {
            sectionIssue("cluster", "cluster '\(name)' reports no resource pool to place a VM in")
        }
        return found
    }

    /// The cluster's hosts must be members of the switch, or a NIC on its port group cannot connect.
    private mutating func checkSwitchReach(_ cluster: VSphereSurvey.ClusterEntry, datacenter: VSphereSurvey.Datacenter) {
        guard let found = survey.switches.first(where: {
            $0.named.name == section.switchName && $0.named.datacenter == datacenter.name
        }), !cluster.hosts.isEmpty, !found.hostMembers.isEmpty else { return }
        let outside = cluster.hosts.filter { !found.hostMembers.contains($0) }
        guard outside.count == cluster.hosts.count else { return }
        sectionIssue("switch", "no host of cluster \(cluster.named.name) is a member of distributed switch "
                        + "\(section.switchName), so the VM's NIC could not connect to its port group",
                     fix: "add the cluster's hosts to the switch, or name a switch they are members of")
    }

    private mutating func checkDatastore(_ datacenter: VSphereSurvey.Datacenter,
                                         cluster: VSphereSurvey.ClusterEntry?) -> VSphereSurvey.Named? {
        guard let name = section.datastore else { return nil }
        let datastores = survey.datastores.filter { $0.datacenter == datacenter.name }
        guard let found = datastores.first(where: { $0.name == name }) else {
            sectionIssue("datastore", "datastore '\(name)' not found in datacenter \(datacenter.name); its datastores: "
                            + Self.list(datastores.map(\.name)))
            return nil
        }
        if let cluster, !cluster.datastores.contains(found.reference) {
            let reachable = datastores.filter { cluster.datastores.contains($0.reference) }.map(\.name)
            sectionIssue("datastore", "datastore '\(name)' is not reachable from the hosts of cluster "
                            + "\(cluster.named.name); datastores they reach: \(Self.list(reachable))")
        }
        return found
    }

    /// The requested boot disk size (nil keeps the template's) and the template's.
    private mutating func checkDisks(_ vm: VMSpec, template: VSphereSurvey.Machine?) -> (Int64?, Int64?) {
        guard let template, let devices = survey.templateDevices else { return (nil, nil) }
        guard let boot = devices.disks.first else {
            issue(item.paths.template, "template \(template.named.name) has no disk to boot from",
                  fix: "use a template with an installed boot disk")
            return (nil, nil)
        }
        let templateKiB = boot.capacityKiB ?? 0
        guard let index = vm.disks.firstIndex(where: \.isBootDisk) else { return (nil, templateKiB) }
        let requested = Int64(vm.disks[index].sizeGB) * Self.kibibytesPerGiB
        if requested < templateKiB {
            let minimum = (templateKiB + Self.kibibytesPerGiB - 1) / Self.kibibytesPerGiB
            issue(item.paths.diskSize(index), "the boot disk (/) must be at least \(minimum) GiB: template "
                    + "\(template.named.name)'s first disk is \(templateKiB) KiB and disks can only grow",
                  fix: "set the size to \(minimum) or more")
        }
        return (requested, templateKiB)
    }

    /// Disks beyond the boot disk, checked to fit on the boot disk's controller.
    private mutating func extraDisks(_ vm: VMSpec, template: VSphereSurvey.Machine?) -> [VSpherePlan.ExtraDisk] {
        var result: [VSpherePlan.ExtraDisk] = []
        for (index, disk) in vm.disks.enumerated() where !disk.isBootDisk {
            result.append(.init(requestIndex: index, sizeGiB: disk.sizeGB, thin: disk.sparse, mountPoint: disk.mountPoint))
        }
        if let devices = survey.templateDevices, let controller = devices.disks.first?.controllerKey, !result.isEmpty {
            var free = devices
            var placed = 0
            while placed < result.count, let unit = free.freeUnit(on: controller) {
                free.append(VSphereDevice(type: "VirtualDisk", key: -1 - placed, controllerKey: controller, unitNumber: unit))
                placed += 1
            }
            if placed < result.count {
                issue(item.paths.disk(result[placed].requestIndex),
                      "no unit is left for this disk on the boot disk's controller (\(placed) more fit)",
                      fix: "ask for fewer disks, or use a template with a free controller")
            }
        }
        return result
    }
}
