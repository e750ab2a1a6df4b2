import AggregatorCore

/// Keys of ``ProvisioningPlan/context`` written by ``OvirtBackend/plan(_:)`` and read back by
/// ``OvirtBackend/execute(_:for:context:)``.
enum OvirtPlanKey {
    static let engineVersion = "engine_version"
    static let clusterID = "cluster_id"
    static let clusterName = "cluster_name"
    static let dataCenterID = "data_center_id"
    static let dataCenterName = "data_center_name"
    static let hostNIC = "host_nic"
    static let networkName = "network_name"
    static let networkID = "network_id"
    static let vnicProfileID = "vnic_profile_id"
    static let storageDomainID = "storage_domain_id"
    static let storageDomainName = "storage_domain_name"
    static let templateID = "template_id"
    static let templateName = "template_name"
    static let templateDiskID = "template_disk_id"
    static let templateDiskSize = "template_disk_size"
    static let osType = "os_type"
    /// `host.<name>` → host id, one per host of the cluster.
    static let hostPrefix = "host."
}

/// Step names of a plan, stable for machines; per-host and per-disk steps carry a suffix.
enum OvirtStep {
    static let createNetwork = "create_network"
    static let vnicProfile = "ensure_vnic_profile"
    static let attachToCluster = "attach_network_to_cluster"
    static let attachToHostPrefix = "attach_network_to_host:"
    static let createVM = "create_vm"
    static let extendBootDisk = "extend_boot_disk"
    /// `add_disk[1]`: the index is the disk's position in `vm.disks`.
    static func addDisk(_ index: Int) -> String { "add_disk[\(index)]" }
    static let configureCloudInit = "configure_cloud_init"
    static let addNIC = "add_nic"
    static let startVM = "start_vm"
}

/// What the engine holds that a plan depends on, read with a few concurrent GETs.
struct OvirtSurvey: Sendable {
    var version: (major: Int, minor: Int)?
    var clusters: [OvirtCluster] = []
    var dataCenters: [OvirtDataCenter] = []
    var hosts: [OvirtHost] = []
    /// Networks whose name matches the VLAN network's name (any data center).
    var networks: [OvirtNetwork] = []
    var templates: [OvirtTemplate] = []
    var storageDomains: [OvirtStorageDomain] = []
    /// Storage domains attached to the cluster's data center, with their status there.
    var dataCenterDomains: [OvirtStorageDomain]? = nil
    /// VMs whose name matches the requested one.
    var vms: [OvirtVM] = []
    var templateDisks: [OvirtDiskAttachment] = []
    /// Networks attached to the cluster.
    var clusterNetworks: [OvirtNetwork] = []
    /// Per host id: its NICs, and the networks attached to `host_nic` (nil when the engine does
    /// not list attachments; then the NICs' `network` references are used).
    var hostNICs: [String: [OvirtHostNic]] = [:]
    var hostAttachments: [String: [OvirtNetworkAttachment]] = [:]
}

extension OvirtBackend {
    /// Validates `item` against the live engine and returns the plan of engine calls, or every
    /// problem found. Creates nothing.
    ///
    /// Reads, mostly concurrently: the API root (version), clusters, data centers, hosts, networks
    /// named like the VLAN network, and for `create_vm` templates, storage domains and VMs named like
    /// the VM; then the data center's storage domains, the template's disks, the cluster's networks
    /// and each host's NICs and network attachments.
    /// - Throws: ``BackendError`` when the engine cannot be read.
    public func plan(_ item: ProvisioningItem) async throws -> PlanOutcome {
        let section: OvirtSection
        switch OvirtSection.decode(item) {
        case .invalid(let issues): return .invalid(issues)
        case .section(let decoded): section = decoded
        }
        guard item.action == .createVLAN || item.action == .createVM else {
            return .invalid([ValidationIssue(path: "\(item.path).action",
                                             message: "ovirt engines cannot '\(item.action)'",
                                             fix: "use create_vlan or create_vm")])
        }
        if item.action == .createVM, item.vm == nil {
            return .invalid([ValidationIssue(path: "\(item.path).vm", message: "is required for create_vm")])
        }
        let survey = try await survey(item, section)
        var planner = OvirtPlanner(engine: name, item: item, section: section, survey: survey)
        return planner.outcome()
    }

    private func survey(_ item: ProvisioningItem, _ section: OvirtSection) async throws -> OvirtSurvey {
        let wantsVM = item.action == .createVM
        let networkName = item.vlan.networkName
        async let root = session.get(OvirtAPI.self, path: "", expected: "the JSON API root")
        async let clusters = session.get(OvirtCollection<OvirtCluster>.self, path: "clusters",
                                         expected: "a JSON cluster list")
        async let dataCenters = session.get(OvirtCollection<OvirtDataCenter>.self, path: "datacenters",
                                            expected: "a JSON data center list")
        async let hosts = session.get(OvirtCollection<OvirtHost>.self, path: "hosts", expected: "a JSON host list")
        async let networks = session.get(OvirtCollection<OvirtNetwork>.self, path: "networks",
                                         query: [("search", "name=\(OvirtRules.searchValue(networkName))")],
                                         expected: "a JSON network list")
        async let templates = wantsVM
            ? session.get(OvirtCollection<OvirtTemplate>.self, path: "templates", expected: "a JSON template list").items
            : []
        async let domains = wantsVM
            ? session.get(OvirtCollection<OvirtStorageDomain>.self, path: "storagedomains",
                          expected: "a JSON storage domain list").items
            : []
        async let vms = wantsVM
            ? session.get(OvirtCollection<OvirtVM>.self, path: "vms",
                          query: [("search", "name=\(OvirtRules.searchValue(item.vm?.name ?? ""))")],
                          expected: "a JSON vm list").items
            : []

        var survey = OvirtSurvey()
        let api = try await root
        survey.version = OvirtRules.version(api.productInfo?.version)
        survey.clusters = try await clusters.items
        survey.dataCenters = try await dataCenters.items
        survey.hosts = try await hosts.items
        survey.networks = try await networks.items.filter { $0.name == networkName }
        survey.templates = try await templates
        survey.storageDomains = try await domains
        survey.vms = try await vms.filter { $0.name == item.vm?.name }

        guard let cluster = survey.clusters.first(where: { $0.name == section.cluster }), let clusterID = cluster.id
        else { return survey }
        let dataCenterID = cluster.dataCenter?.id
        let network = survey.networks.first { $0.dataCenter?.id == dataCenterID }
        let template = wantsVM ? OvirtPlanner.template(named: item.vm?.template ?? "", in: survey, dataCenterID: dataCenterID) : nil
        let clusterHosts = survey.hosts.filter { $0.cluster?.id == clusterID }.compactMap(\.id)

        async let dataCenterDomains: [OvirtStorageDomain]? = (wantsVM && dataCenterID != nil)
            ? session.get(OvirtCollection<OvirtStorageDomain>.self, path: "datacenters/\(dataCenterID ?? "")/storagedomains",
                          expected: "a JSON storage domain list").items
            : nil
        async let templateDisks = templateDisks(template?.id)
        async let clusterNetworks = network != nil
            ? session.get(OvirtCollection<OvirtNetwork>.self, path: "clusters/\(clusterID)/networks",
                          expected: "a JSON network list").items
            : []
        async let hostFacts = hostNetworkFacts(hosts: clusterHosts, hostNIC: section.hostNIC, networkID: network?.id)

        survey.dataCenterDomains = try await dataCenterDomains
        survey.templateDisks = try await templateDisks
        survey.clusterNetworks = try await clusterNetworks
        let facts = try await hostFacts
        survey.hostNICs = facts.nics
        survey.hostAttachments = facts.attachments
        return survey
    }

    /// The template's disk attachments with their disks (sizes), `follow=disk`; a disk the engine
    /// did not inline is read on its own.
    private func templateDisks(_ templateID: String?) async throws -> [OvirtDiskAttachment] {
        guard let templateID else { return [] }
        var attachments = try await session.get(OvirtCollection<OvirtDiskAttachment>.self,
                                                path: "templates/\(templateID)/diskattachments",
                                                query: [("follow", "disk")],
                                                expected: "a JSON disk attachment list").items
        for index in attachments.indices where attachments[index].disk?.provisionedSize == nil {
            guard let diskID = attachments[index].diskID else { continue }
            attachments[index].disk = try await session.get(OvirtDisk.self, path: "disks/\(diskID)",
                                                            expected: "a JSON disk")
        }
        return attachments
    }

    /// Each host's NICs and, when the network exists, the networks attached to `host_nic`
    /// (`GET /hosts/{id}/nics/{nic}/networkattachments`, as ansible's `ovirt_host_network` reads them).
    func hostNetworkFacts(hosts: [String], hostNIC: String, networkID: String?, correlationID: String? = nil)
        async throws -> (nics: [String: [OvirtHostNic]], attachments: [String: [OvirtNetworkAttachment]])
    {
        try await withThrowingTaskGroup(of: (String, [OvirtHostNic], [OvirtNetworkAttachment]?).self) { group in
            var pending = hosts.makeIterator()
            func next() {
                guard let hostID = pending.next() else { return }
                group.addTask { [self] in
                    let nics = try await session.get(OvirtCollection<OvirtHostNic>.self, path: "hosts/\(hostID)/nics",
                                                     expected: "a JSON host NIC list", correlationID: correlationID).items
                    guard networkID != nil, let nicID = nics.first(where: { $0.name == hostNIC })?.id else {
                        return (hostID, nics, nil)
                    }
                    do {
                        let attachments = try await session.get(
                            OvirtCollection<OvirtNetworkAttachment>.self,
                            path: "hosts/\(hostID)/nics/\(nicID)/networkattachments",
                            expected: "a JSON network attachment list", correlationID: correlationID).items
                        return (hostID, nics, attachments)
                    } catch let error as BackendError where error.code == .notFound {
                        return (hostID, nics, nil)
                    }
                }
            }
            for _ in 0..<max(1, provisioning.hostParallelism) { next() }
            var nics: [String: [OvirtHostNic]] = [:]
            var attachments: [String: [OvirtNetworkAttachment]] = [:]
            while let (hostID, hostNICs, hostAttachments) = try await group.next() {
                nics[hostID] = hostNICs
                attachments[hostID] = hostAttachments
                next()
            }
            return (nics, attachments)
        }
    }
}

/// Turns a survey into issues or a plan.
struct OvirtPlanner {
    let engine: String
    let item: ProvisioningItem
    let section: OvirtSection
    let survey: OvirtSurvey
    private var issues: [ValidationIssue] = []
    private var steps: [ProvisioningPlan.Step] = []
    private var context: [String: String] = [:]

    init(engine: String, item: ProvisioningItem, section: OvirtSection, survey: OvirtSurvey) {
        self.engine = engine
        self.item = item
        self.section = section
        self.survey = survey
    }

    private var prefix: String { "\(item.path).\(item.sectionName)" }

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
        if let version = survey.version { context[OvirtPlanKey.engineVersion] = "\(version.major).\(version.minor)" }
        guard let cluster = survey.clusters.first(where: { $0.name == section.cluster }), let clusterID = cluster.id else {
            issue("\(prefix).cluster", "cluster '\(section.cluster)' not found on engine \(engine); its clusters: "
                    + Self.list(survey.clusters.compactMap(\.name)), at: item.section["cluster"])
            validateNames()
            return .invalid(issues)
        }
        let dataCenterID = cluster.dataCenter?.id ?? ""
        let dataCenterName = survey.dataCenters.first { $0.id == dataCenterID }?.name ?? dataCenterID
        context[OvirtPlanKey.clusterID] = clusterID
        context[OvirtPlanKey.clusterName] = section.cluster
        context[OvirtPlanKey.dataCenterID] = dataCenterID
        context[OvirtPlanKey.dataCenterName] = dataCenterName
        context[OvirtPlanKey.hostNIC] = section.hostNIC
        context[OvirtPlanKey.networkName] = item.vlan.networkName

        validateNames()
        let hosts = survey.hosts.filter { $0.cluster?.id == clusterID && $0.id != nil }
            .sorted { ($0.name ?? "") < ($1.name ?? "") }
        for host in hosts { context[OvirtPlanKey.hostPrefix + (host.name ?? host.id!)] = host.id! }
        let lacking = hosts.filter { host in
            !(survey.hostNICs[host.id!] ?? []).contains { $0.name == section.hostNIC }
        }
        if !lacking.isEmpty {
            issue("\(prefix).host_nic",
                  "host\(lacking.count == 1 ? "" : "s") \(Self.list(lacking.map { $0.name ?? $0.id! })) of cluster "
                    + "\(section.cluster) \(lacking.count == 1 ? "has" : "have") no NIC named '\(section.hostNIC)'",
                  at: item.section["host_nic"])
        }
        if hosts.isEmpty && item.action == .createVM {
            issue("\(prefix).cluster", "cluster '\(section.cluster)' has no hosts to run the VM on",
                  at: item.section["cluster"])
        }

        planNetwork(clusterID: clusterID, dataCenterID: dataCenterID, dataCenterName: dataCenterName, hosts: hosts)
        if item.action == .createVM, let vm = item.vm {
            planVM(vm, dataCenterID: dataCenterID, dataCenterName: dataCenterName)
        }
        guard issues.isEmpty else { return .invalid(issues) }
        return .ready(ProvisioningPlan(engine: engine, steps: steps, context: context))
    }

    private mutating func validateNames() {
        let networkName = item.vlan.networkName
        if let problem = OvirtRules.networkNameProblem(networkName, engineVersion: survey.version) {
            let path = item.vlan.suffix.isEmpty ? "\(item.path).vlan.name" : "\(item.path).vlan.suffix"
            issue(path, "network name '\(networkName)' \(problem)")
        }
        if let vm = item.vm, item.action == .createVM {
            if let problem = OvirtRules.vmNameProblem(vm.name) {
                issue("\(item.path).vm.name", "VM name '\(vm.name)' \(problem)")
            }
            if let existing = survey.vms.first(where: { $0.name == vm.name }) {
                let found = OvirtRules.existingVM(vm.name, engine: engine, id: existing.id, comment: existing.comment)
                issue("\(item.path).vm.name", found.message, fix: found.fix)
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
            issue("\(item.path).vlan.id",
                  "network \(name) already exists in data center \(dataCenterName) with \(tag), not VLAN \(vlan.id)",
                  fix: "use the existing tag, or another vlan.name/suffix")
            return
        }
        if let existing, item.action == .createVM, let usages = existing.usages, !usages.values.contains("vm") {
            issue("\(item.path).vlan.name",
                  "network \(name) exists in data center \(dataCenterName) but is not a VM network, so no VM NIC can use it")
            return
        }
        let networkID = existing?.id
        if let networkID { context[OvirtPlanKey.networkID] = networkID }
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
        let vmPath = "\(item.path).vm"
        // Storage domain.
        let domainName = section.storageDomain ?? ""
        var domainID: String?
        let usable = (survey.dataCenterDomains ?? []).filter { ($0.type ?? "data") == "data" && ($0.status ?? "active") == "active" }
            .compactMap(\.name)
        if let domain = survey.storageDomains.first(where: { $0.name == domainName }), let id = domain.id {
            let inDataCenter = survey.dataCenterDomains?.first { $0.id == id }
            if let type = domain.type ?? inDataCenter?.type, type != "data" {
                issue("\(prefix).storage_domain", "storage domain \(domainName) is a \(type) domain, not a data domain; "
                        + "data domains active in data center \(dataCenterName): \(Self.list(usable))",
                      at: item.section["storage_domain"])
            } else if let list = survey.dataCenterDomains, !list.contains(where: { $0.id == id }) {
                issue("\(prefix).storage_domain", "storage domain \(domainName) is not attached to data center "
                        + "\(dataCenterName); data domains active there: \(Self.list(usable))",
                      at: item.section["storage_domain"])
            } else if let status = inDataCenter?.status, status != "active" {
                issue("\(prefix).storage_domain", "storage domain \(domainName) is \(status) in data center "
                        + "\(dataCenterName), not active; data domains active there: \(Self.list(usable))",
                      at: item.section["storage_domain"])
            } else {
                domainID = id
                context[OvirtPlanKey.storageDomainID] = id
                context[OvirtPlanKey.storageDomainName] = domainName
            }
        } else {
            issue("\(prefix).storage_domain", "storage domain '\(domainName)' not found on engine \(engine); "
                    + "data domains active in data center \(dataCenterName): \(Self.list(usable))",
                  at: item.section["storage_domain"])
        }

        // Template and its boot disk.
        var templateDiskSize: Int64?
        var templateID: String?
        if let template = Self.template(named: vm.template, in: survey, dataCenterID: dataCenterID), let id = template.id {
            templateID = id
            context[OvirtPlanKey.templateID] = id
            context[OvirtPlanKey.templateName] = vm.template
            let disks = survey.templateDisks
            if let boot = disks.first(where: { $0.bootable?.value == true }) ?? disks.first, let diskID = boot.diskID {
                context[OvirtPlanKey.templateDiskID] = diskID
                templateDiskSize = boot.disk?.provisionedSize?.value
                if let size = templateDiskSize { context[OvirtPlanKey.templateDiskSize] = String(size) }
                if disks.count > 1 {
                    issue("\(vmPath).template", "template \(vm.template) has \(disks.count) disks; only templates with "
                            + "one (boot) disk are supported")
                }
            } else {
                issue("\(vmPath).template", "template \(vm.template) has no disk to boot from",
                      fix: "use a template with an installed boot disk")
            }
        } else {
            let usable = survey.templates.filter { $0.name != "Blank" }.compactMap(\.name)
            let elsewhere = survey.templates.contains { $0.name == vm.template }
            issue("\(vmPath).template",
                  elsewhere
                    ? "template \(vm.template) exists on engine \(engine) but not in data center \(dataCenterName)"
                    : "template \(vm.template) not found on engine \(engine); available templates: "
                        + Self.list(Array(Set(usable))))
        }

        // Disks.
        let bootIndices = vm.disks.indices.filter { vm.disks[$0].isBootDisk }
        if bootIndices.count > 1 {
            for index in bootIndices.dropFirst() {
                issue("\(vmPath).disks[\(index)].mount_point", "only one disk can be mounted at /")
            }
        }
        var seen: [String: Int] = [:]
        for (index, disk) in vm.disks.enumerated() where !disk.isBootDisk {
            guard let mount = disk.mountPoint else { continue }
            if !mount.hasPrefix("/") {
                issue("\(vmPath).disks[\(index)].mount_point", "must be an absolute path, found '\(mount)'")
            }
            if let first = seen[mount] {
                issue("\(vmPath).disks[\(index)].mount_point", "\(mount) is already the mount point of disks[\(first)]")
            }
            seen[mount] = seen[mount] ?? index
        }
        let bootIndex = bootIndices.first
        let bootSize = bootIndex.map { Int64(vm.disks[$0].sizeGB) * OvirtRules.gibibyte }
        if let bootIndex, let bootSize, let templateDiskSize, bootSize < templateDiskSize {
            issue("\(vmPath).disks[\(bootIndex)].size",
                  "the boot disk (/) must be at least \(OvirtRules.gib(templateDiskSize)): template \(vm.template)'s "
                    + "disk is that large and disks can only grow",
                  fix: "set size to \((templateDiskSize + OvirtRules.gibibyte - 1) / OvirtRules.gibibyte) or more")
        }
        let osType = OvirtRules.osType(for: vm.os)
        if let osType { context[OvirtPlanKey.osType] = osType }

        guard issues.isEmpty, let templateID, domainID != nil else { return }
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
            steps.append(.init(
                name: OvirtStep.extendBootDisk,
                description: "PUT /vms/{vm}/diskattachments/{disk}: grow the boot disk from "
                    + "\(OvirtRules.gib(templateDiskSize)) to \(OvirtRules.gib(bootSize)); wait until ok"))
        }
        for (index, disk) in vm.disks.enumerated() where !disk.isBootDisk {
            steps.append(.init(
                name: OvirtStep.addDisk(index),
                description: "POST /vms/{vm}/diskattachments: \(disk.sizeGB) GiB virtio_scsi "
                    + "\(disk.sparse ? "thin (cow)" : "preallocated (raw)") on \(storage)"
                    + (disk.mountPoint.map { " for \($0)" } ?? "") + "; wait until ok"))
        }
        if vm.disks.contains(where: { !$0.isBootDisk && $0.mountPoint != nil }) {
            steps.append(.init(
                name: OvirtStep.configureCloudInit,
                description: "PUT /vms/{vm}: cloud-init script that formats (xfs) and mounts "
                    + vm.disks.filter { !$0.isBootDisk }.compactMap(\.mountPoint).joined(separator: ", ")))
        }
        steps.append(.init(
            name: OvirtStep.addNIC,
            description: "POST /vms/{vm}/nics: nic1 (virtio) on the vNIC profile of \(item.vlan.networkName)"))
        steps.append(.init(
            name: OvirtStep.startVM,
            description: "POST /vms/{vm}/start with use_cloud_init; wait until up"))
    }
}
