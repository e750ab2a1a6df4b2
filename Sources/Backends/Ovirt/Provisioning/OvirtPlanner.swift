import AggregatorCore

/// Turns a survey into issues or a plan.
struct OvirtPlanner {
    let engine: String
    let item: ProvisioningItem
    let section: OvirtSection
    let survey: OvirtSurvey
    private var issues: [ValidationIssue] = []
    /// What operators read (`?dry_run=true`, the job record).
    private var steps: [ProvisioningPlan.Step] = []
    /// What execution runs.
    private var work: [OvirtPlan.Step] = []
    private var vmPlan: OvirtPlan.VirtualMachine?

    init(engine: String, item: ProvisioningItem, section: OvirtSection, survey: OvirtSurvey) {
        self.engine = engine
        self.item = item
        self.section = section
        self.survey = survey
    }

    private mutating func issue(_ path: String, _ message: String, fix: String? = nil, at value: JSONValue? = nil) {
        issues.append(ValidationIssue(path: path, message: message, fix: fix, at: value))
    }

    /// The newest version of the template named `name` usable in the data center.
    static func template(named name: String, in survey: OvirtSurvey, dataCenterID: String?) -> OvirtTemplate? {
        let clusterDC = Dictionary(survey.clusters.compactMap { c in c.id.map { ($0, c.dataCenter?.id) } },
                                   uniquingKeysWith: { first, _ in first })
        return survey.templates
            .filter { $0.name == name && $0.id != nil }
            .filter { template in
                guard let clusterID = template.cluster?.id else { return true }
                return clusterDC[clusterID] == dataCenterID
            }
            .max { ($0.version?.versionNumber?.int ?? 0) < ($1.version?.versionNumber?.int ?? 0) }
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.sorted().joined(separator: ", ")
    }

    mutating func outcome() -> PlanOutcome {
        guard let cluster = survey.clusters.first(where: { $0.name == section.cluster }), let clusterID = cluster.id else {
            issue(item.sectionPath("cluster"), "cluster '\(section.cluster)' not found on engine \(engine); its clusters: "
                    + Self.list(survey.clusters.compactMap(\.name)), at: item.section["cluster"])
            validateNames()
            return .invalid(issues)
        }
        let dataCenterID = cluster.dataCenter?.id ?? ""
        let dataCenterName = survey.dataCenters.first { $0.id == dataCenterID }?.name ?? dataCenterID
        validateNames()
        let hosts = survey.hosts.filter { $0.cluster?.id == clusterID && $0.id != nil }
            .sorted { ($0.name ?? "") < ($1.name ?? "") }
        let lacking = hosts.filter { host in
            !(survey.hostNICs[host.id!] ?? []).contains { $0.name == section.hostNIC }
        }
        if !lacking.isEmpty {
            issue(item.sectionPath("host_nic"),
                  "host\(lacking.count == 1 ? "" : "s") \(Self.list(lacking.map { $0.name ?? $0.id! })) of cluster "
                    + "\(section.cluster) \(lacking.count == 1 ? "has" : "have") no NIC named '\(section.hostNIC)'",
                  at: item.section["host_nic"])
        }
        if hosts.isEmpty && item.action == .createVM {
            issue(item.sectionPath("cluster"), "cluster '\(section.cluster)' has no hosts to run the VM on",
                  at: item.section["cluster"])
        }

        planNetwork(clusterID: clusterID, dataCenterID: dataCenterID, dataCenterName: dataCenterName, hosts: hosts)
        if item.action == .createVM, let vm = item.vm {
            planVM(vm, dataCenterID: dataCenterID, dataCenterName: dataCenterName)
        }
        guard issues.isEmpty else { return .invalid(issues) }
        let payload = OvirtPlan(
            action: item.action, meta: item.meta,
            engineVersion: survey.version.map { OvirtPlan.Version(major: $0.major, minor: $0.minor) },
            cluster: .init(id: clusterID, name: section.cluster), hostNIC: section.hostNIC,
            network: .init(name: item.vlan.networkName, vlanID: item.vlan.id,
                           dataCenter: .init(id: dataCenterID, name: dataCenterName)),
            vm: vmPlan, steps: work)
        do {
            return .ready(try ProvisioningPlan(engine: engine, kind: OvirtBackend.kind, steps: steps, payload: payload))
        } catch {
            return .invalid([ValidationIssue(path: item.path, message: error.message)])
        }
    }

    private mutating func validateNames() {
        let networkName = item.vlan.networkName
        if let problem = OvirtRules.networkNameProblem(networkName, engineVersion: survey.version) {
            let path = item.vlan.suffix.isEmpty ? item.paths.vlanName : item.fieldPath("vlan", "suffix")
            issue(path, "network name '\(networkName)' \(problem)")
        }
        if let vm = item.vm, item.action == .createVM {
            if let problem = OvirtRules.vmNameProblem(vm.name) {
                issue(item.paths.vmName, "VM name '\(vm.name)' \(problem)")
            }
            if let existing = survey.vms.first(where: { $0.name == vm.name }) {
                let found = OvirtRules.existingVM(vm.name, engine: engine, id: existing.id, comment: existing.comment)
                issue(item.paths.vmName, found.message, fix: found.fix)
            }
        }
    }

    private mutating func planNetwork(clusterID: String, dataCenterID: String, dataCenterName: String,
                                      hosts: [OvirtHost]) {
        let vlan = item.vlan
        let name = vlan.networkName
        let existing = survey.networks.first { $0.dataCenter?.id == dataCenterID }
        if let existing, existing.vlanID != vlan.id {
            let tag = existing.vlanID.map { "VLAN \($0)" } ?? "no VLAN tag"
            issue(item.paths.vlanID,
                  "network \(name) already exists in data center \(dataCenterName) with \(tag), not VLAN \(vlan.id)",
                  fix: "use the existing tag, or another vlan.name/suffix")
            return
        }
        if let existing, item.action == .createVM, let usages = existing.usages, !usages.values.contains("vm") {
            issue(item.paths.vlanName,
                  "network \(name) exists in data center \(dataCenterName) but is not a VM network, so no VM NIC can use it")
            return
        }
        let networkID = existing?.id
        work += [.createNetwork, .ensureVnicProfile, .attachToCluster]
        if !hosts.isEmpty { work.append(.attachToHosts) }
        steps.append(.init(
            name: OvirtStep.createNetwork,
            description: existing != nil
                ? "network \(name) with VLAN \(vlan.id) exists in data center \(dataCenterName) (id \(networkID ?? "?")): reused"
                : "POST /networks \(name) VLAN \(vlan.id) in data center \(dataCenterName) (VM network)",
            alreadyDone: existing != nil))
        steps.append(.init(
            name: OvirtStep.vnicProfile,
            description: "GET /networks/{id}/vnicprofiles: use the profile the engine made for \(name) "
                + "(POST /vnicprofiles if there is none)"))
        let onCluster = networkID.map { id in survey.clusterNetworks.contains { $0.id == id } } ?? false
        steps.append(.init(
            name: OvirtStep.attachToCluster,
            description: onCluster
                ? "network \(name) is attached to cluster \(section.cluster)"
                : "POST /clusters/\(clusterID)/networks: attach \(name) to cluster \(section.cluster) (required=false)",
            alreadyDone: onCluster))
        let commit = (survey.version.map { $0 < (4, 3) } ?? false)
            ? " then POST /hosts/{id}/commitnetconfig" : " (commit_on_success)"
        for host in hosts {
            let hostName = host.name ?? host.id!
            let attached = networkID.map { OvirtPlanner.isAttached(networkID: $0, hostNIC: section.hostNIC,
                                                                  nics: survey.hostNICs[host.id!] ?? [],
                                                                  attachments: survey.hostAttachments[host.id!]) } ?? false
            steps.append(.init(
                name: OvirtStep.attachToHostPrefix + hostName,
                description: attached
                    ? "network \(name) is on \(section.hostNIC) of host \(hostName)"
                    : "POST /hosts/\(host.id!)/setupnetworks: \(name) on \(section.hostNIC) of host \(hostName), "
                        + "check_connectivity\(commit)",
                alreadyDone: attached))
        }
    }

    /// Whether the network is attached to `hostNIC` of a host: by its network attachments, or, when the
    /// engine gave none, by a NIC carrying the network (`bond0` itself or the VLAN device `bond0.2921`).
    static func isAttached(networkID: String, hostNIC: String, nics: [OvirtHostNic],
                           attachments: [OvirtNetworkAttachment]?) -> Bool {
        if let attachments { return attachments.contains { $0.network?.id == networkID } }
        return nics.contains { nic in
            nic.network?.id == networkID && (nic.name == hostNIC || nic.baseInterface == hostNIC)
        }
    }

    private mutating func planVM(_ vm: VMSpec, dataCenterID: String, dataCenterName: String) {
        // Storage domain.
        let domainName = section.storageDomain ?? ""
        var domainID: String?
        let usable = (survey.dataCenterDomains ?? []).filter { ($0.type ?? "data") == "data" && ($0.status ?? "active") == "active" }
            .compactMap(\.name)
        if let domain = survey.storageDomains.first(where: { $0.name == domainName }), let id = domain.id {
            let inDataCenter = survey.dataCenterDomains?.first { $0.id == id }
            if let type = domain.type ?? inDataCenter?.type, type != "data" {
                issue(item.sectionPath("storage_domain"), "storage domain \(domainName) is a \(type) domain, not a data domain; "
                        + "data domains active in data center \(dataCenterName): \(Self.list(usable))",
                      at: item.section["storage_domain"])
            } else if let list = survey.dataCenterDomains, !list.contains(where: { $0.id == id }) {
                issue(item.sectionPath("storage_domain"), "storage domain \(domainName) is not attached to data center "
                        + "\(dataCenterName); data domains active there: \(Self.list(usable))",
                      at: item.section["storage_domain"])
            } else if let status = inDataCenter?.status, status != "active" {
                issue(item.sectionPath("storage_domain"), "storage domain \(domainName) is \(status) in data center "
                        + "\(dataCenterName), not active; data domains active there: \(Self.list(usable))",
                      at: item.section["storage_domain"])
            } else {
                domainID = id
            }
        } else {
            issue(item.sectionPath("storage_domain"), "storage domain '\(domainName)' not found on engine \(engine); "
                    + "data domains active in data center \(dataCenterName): \(Self.list(usable))",
                  at: item.section["storage_domain"])
        }

        // Template and its boot disk.
        var templateDiskSize: Int64?
        var templateID: String?
        var templateDiskID: String?
        if let template = Self.template(named: vm.template, in: survey, dataCenterID: dataCenterID), let id = template.id {
            templateID = id
            let disks = survey.templateDisks
            if let boot = disks.first(where: { $0.bootable?.value == true }) ?? disks.first, let diskID = boot.diskID {
                templateDiskID = diskID
                templateDiskSize = boot.disk?.provisionedSize?.value
                if disks.count > 1 {
                    issue(item.paths.template, "template \(vm.template) has \(disks.count) disks; only templates with "
                            + "one (boot) disk are supported")
                }
            } else {
                issue(item.paths.template, "template \(vm.template) has no disk to boot from",
                      fix: "use a template with an installed boot disk")
            }
        } else {
            let usable = survey.templates.filter { $0.name != "Blank" }.compactMap(\.name)
            let elsewhere = survey.templates.contains { $0.name == vm.template }
            issue(item.paths.template,
                  elsewhere
                    ? "template \(vm.template) exists on engine \(engine) but not in data center \(dataCenterName)"
                    : "template \(vm.template) not found on engine \(engine); available templates: "
                        + Self.list(Array(Set(usable))))
        }

        // Disks.
        let bootIndices = vm.disks.indices.filter { vm.disks[$0].isBootDisk }
        if bootIndices.count > 1 {
            for index in bootIndices.dropFirst() {
                issue("\(item.paths.disk(index)).mount_point", "only one disk can be mounted at /")
            }
        }
        var seen: [String: Int] = [:]
        for (index, disk) in vm.disks.enumerated() where !disk.isBootDisk {
            guard let mount = disk.mountPoint else { continue }
            if !mount.hasPrefix("/") {
                issue("\(item.paths.disk(index)).mount_point", "must be an absolute path, found '\(mount)'")
            }
            if let first = seen[mount] {
                issue("\(item.paths.disk(index)).mount_point", "\(mount) is already the mount point of disks[\(first)]")
            }
            seen[mount] = seen[mount] ?? index
        }
        let bootIndex = bootIndices.first
        let bootSize = bootIndex.map { Int64(vm.disks[$0].sizeGB) * OvirtRules.gibibyte }
        if let bootIndex, let bootSize, let templateDiskSize, bootSize < templateDiskSize {
            issue(item.paths.diskSize(bootIndex),
                  "the boot disk (/) must be at least \(OvirtRules.gib(templateDiskSize)): template \(vm.template)'s "
                    + "disk is that large and disks can only grow",
                  fix: "set size to \((templateDiskSize + OvirtRules.gibibyte - 1) / OvirtRules.gibibyte) or more")
        }
        let osType = OvirtRules.osType(for: vm.os)

        guard issues.isEmpty, let templateID, let templateDiskID, let domainID else { return }
        vmPlan = OvirtPlan.VirtualMachine(spec: vm, template: .init(id: templateID, name: vm.template),
                                          templateDiskID: templateDiskID,
                                          storageDomain: .init(id: domainID, name: domainName), osType: osType)
        work.append(.createVM)
        let storage = domainName
        let bootSparse = bootIndex.map { vm.disks[$0].sparse } ?? true
        let memory = Int64(vm.memoryGB) * OvirtRules.gibibyte
        steps.append(.init(
            name: OvirtStep.createVM,
            description: "POST /vms?clone=true \(vm.name) from template \(vm.template) (\(templateID)) in cluster "
                + "\(section.cluster): \(vm.cores) cores, \(OvirtRules.gib(memory)) guaranteed, "
                + "os \(osType ?? "from the template"), boot disk on \(storage) "
                + "\(bootSparse ? "thin (cow)" : "preallocated (raw)"), cloud-init \(vm.hostname) "
                + "\(vm.nicName) \(vm.address)/\(vm.netmask) gw \(vm.gateway); wait until down"))
        if let bootSize, let templateDiskSize, bootSize > templateDiskSize {
            work.append(.extendBootDisk(bytes: bootSize))
            steps.append(.init(
                name: OvirtStep.extendBootDisk,
                description: "PUT /vms/{vm}/diskattachments/{disk}: grow the boot disk from "
                    + "\(OvirtRules.gib(templateDiskSize)) to \(OvirtRules.gib(bootSize)); wait until ok"))
        }
        for (index, disk) in vm.disks.enumerated() where !disk.isBootDisk {
            work.append(.addDisk(index: index))
            steps.append(.init(
                name: OvirtStep.addDisk(index),
                description: "POST /vms/{vm}/diskattachments: \(disk.sizeGB) GiB virtio_scsi "
                    + "\(disk.sparse ? "thin (cow)" : "preallocated (raw)") on \(storage)"
                    + (disk.mountPoint.map { " for \($0)" } ?? "") + "; wait until ok"))
        }
        if vm.disks.contains(where: { !$0.isBootDisk && $0.mountPoint != nil }) {
            work.append(.configureCloudInit)
            steps.append(.init(
                name: OvirtStep.configureCloudInit,
                description: "PUT /vms/{vm}: cloud-init script that formats (xfs) and mounts "
                    + vm.disks.filter { !$0.isBootDisk }.compactMap(\.mountPoint).joined(separator: ", ")))
        }
        work += [.addNIC, .startVM]
        steps.append(.init(
            name: OvirtStep.addNIC,
            description: "POST /vms/{vm}/nics: nic1 (virtio) on the vNIC profile of \(item.vlan.networkName)"))
        steps.append(.init(
            name: OvirtStep.startVM,
            description: "POST /vms/{vm}/start with use_cloud_init; wait until up"))
    }
}
