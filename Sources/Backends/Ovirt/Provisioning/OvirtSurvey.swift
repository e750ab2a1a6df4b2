import AggregatorCore

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
    func survey(_ item: ProvisioningItem, _ section: OvirtSection) async throws -> OvirtSurvey {
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

