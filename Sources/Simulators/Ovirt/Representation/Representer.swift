/// Turns inventory objects into ``OvirtNode``s carrying the engine's field set,
/// links and actions, and embeds followed links.
///
/// Following mirrors the engine's `LinkFollower`: a followed reference
/// (`cluster`) is replaced in place by the full object; a followed
/// sub-collection (`nics`) is added as an element named after the collection
/// (`<nics><nic …>…</nic></nics>`) while its `<link rel="nics">` stays.
struct Representer {
    static let apiPath = "/ovirt-engine/api"

    let inventory: OvirtInventory
    /// `(active, total)` VM counts per host id, computed once per request.
    private let hostVMCounts: [String: (active: Int, total: Int)]

    init(_ inventory: OvirtInventory) {
        self.inventory = inventory
        var counts: [String: (active: Int, total: Int)] = [:]
        for vm in inventory.vms {
            guard let hostID = vm.hostID else { continue }
            counts[hostID, default: (0, 0)].total += 1
            if vm.isUp { counts[hostID, default: (0, 0)].active += 1 }
        }
        self.hostVMCounts = counts
    }

    static func href(_ parts: String...) -> String {
        apiPath + "/" + parts.joined(separator: "/")
    }

    private func links(_ base: String, _ rels: [String]) -> [OvirtLink] {
        rels.map { OvirtLink(rel: $0, href: base + "/" + $0) }
    }

    private func check(_ follow: FollowTree, _ entity: String, allowed: Set<String>) throws {
        for key in follow.children.keys where !allowed.contains(key) {
            throw FollowError(segment: key, entity: entity)
        }
    }

    /// A reference, or the followed object in its place.
    private func reference(
        _ name: String,
        id: String?,
        href: String,
        follow: FollowTree,
        resolve: (FollowTree) throws -> OvirtNode?
    ) rethrows -> OvirtNode? {
        guard let id else { return nil }
        if let subtree = follow.child(name), let full = try resolve(subtree) {
            return OvirtNode(name, full.content)
        }
        return .reference(name, id: id, href: href)
    }

    private func version(major: Int, minor: Int) -> OvirtNode {
        .group("version", [.int("major", major), .int("minor", minor)])
    }

    // MARK: API root

    func api(authenticatedUserID: String) -> OvirtNode {
        let collections = [
            "clusters", "datacenters", "disks", "events", "hosts", "jobs", "networks", "storagedomains", "templates",
            "vms", "vnicprofiles",
        ]
        var rootLinks: [OvirtLink] = []
        for collection in collections {
            rootLinks.append(OvirtLink(rel: collection, href: Self.href(collection)))
            if collection != "vnicprofiles" && collection != "jobs" {
                rootLinks.append(
                    OvirtLink(rel: "\(collection)/search", href: Self.href(collection) + "?search={query}")
                )
            }
        }
        let upVMs = inventory.vms.filter(\.isUp).count
        let upHosts = inventory.hosts.filter { $0.status == "up" }.count
        let summaryItem = { (name: String, active: Int, total: Int) -> OvirtNode in
            .group(name, [.int("active", active), .int("total", total)])
        }
        let userHref = Self.href("users", authenticatedUserID)
        return OvirtNode(
            "api",
            .object(
                OvirtObject(
                    links: rootLinks,
                    fields: [
                        .group(
                            "engine_backup",
                            [.date("last_db_backup", InventorySeeder.referenceTime - 86_400_000)]
                        ),
                        .group(
                            "product_info",
                            [
                                .string("instance_id", StableID(engine: inventory.engineName).make("instance", 0)),
                                .string("name", "oVirt Engine"),
                                .string("vendor", "ovirt.org"),
                                .group(
                                    "version",
                                    [
                                        .int("build", 6), .string("full_version", "4.5.6-1.el8"),
                                        .int("major", 4), .int("minor", 5), .int("revision", 0),
                                    ]
                                ),
                            ]
                        ),
                        .group(
                            "special_objects",
                            [
                                .reference(
                                    "blank_template",
                                    id: OvirtInventory.blankTemplateID,
                                    href: Self.href("templates", OvirtInventory.blankTemplateID)
                                ),
                                .reference(
                                    "root_tag",
                                    id: OvirtInventory.rootTagID,
                                    href: Self.href("tags", OvirtInventory.rootTagID)
                                ),
                            ]
                        ),
                        .group(
                            "summary",
                            [
                                summaryItem("hosts", upHosts, inventory.hosts.count),
                                summaryItem("storage_domains", inventory.storageDomains.count, inventory.storageDomains.count),
                                summaryItem("users", 1, 1),
                                summaryItem("vms", upVMs, inventory.vms.count),
                            ]
                        ),
                        .date("time", InventorySeeder.referenceTime),
                        .reference("authenticated_user", id: authenticatedUserID, href: userHref),
                        .reference("effective_user", id: authenticatedUserID, href: userHref),
                    ]
                )
            )
        )
    }

    // MARK: Data centers

    func dataCenter(_ dc: SimDataCenter, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "DataCenter", allowed: ["clusters", "networks", "storage_domains"])
        let href = Self.href("datacenters", dc.id)
        var fields: [OvirtNode] = [
            .bool("local", false),
            .enumeration("quota_mode", "disabled"),
            .enumeration("status", "up"),
            .enumeration("storage_format", "v5"),
            .list("supported_versions", item: "version", [version(major: 4, minor: 7)]),
            version(major: dc.versionMajor, minor: dc.versionMinor),
            .reference("mac_pool", id: StableID(engine: inventory.engineName).make("macpool", 0), href: Self.href("macpools", StableID(engine: inventory.engineName).make("macpool", 0))),
        ]
        if let sub = follow.child("clusters") {
            fields.append(.list("clusters", item: "cluster", try clusters(in: dc.id).map { try cluster($0, follow: sub) }))
        }
        if let sub = follow.child("networks") {
            fields.append(
                .list("networks", item: "network", try inventory.networks.filter { $0.dataCenterID == dc.id }.map { try network($0, follow: sub) })
            )
        }
        if let sub = follow.child("storage_domains") {
            fields.append(
                .list("storage_domains", item: "storage_domain", try inventory.storageDomains.filter { $0.dataCenterID == dc.id }.map { try storageDomain($0, follow: sub) })
            )
        }
        return OvirtNode(
            "data_center",
            .object(
                OvirtObject(
                    id: dc.id,
                    href: href,
                    actions: ["cleanfinishedtasks", "forceselectspm", "setmaster"],
                    name: dc.name,
                    description: dc.description,
                    links: links(href, ["clusters", "networks", "permissions", "quotas", "qoss", "iscsibonds", "storagedomains"]),
                    fields: fields
                )
            )
        )
    }

    func clusters(in dataCenterID: String) -> [SimCluster] {
        inventory.clusters.filter { $0.dataCenterID == dataCenterID }
    }

    // MARK: Clusters

    func cluster(_ cluster: SimCluster, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "Cluster", allowed: ["data_center", "networks", "management_network"])
        let href = Self.href("clusters", cluster.id)
        let ids = StableID(engine: inventory.engineName)
        var fields: [OvirtNode] = [
            .bool("ballooning_enabled", true),
            .enumeration("bios_type", "q35_ovmf"),
            .group("cpu", [.enumeration("architecture", "x86_64"), .string("type", cluster.cpuType)]),
            .list(
                "custom_scheduling_policy_properties",
                item: "property",
                [
                    .group("property", [.string("name", "HighUtilization"), .string("value", "80")]),
                    .group("property", [.string("name", "CpuOverCommitDurationMinutes"), .string("value", "2")]),
                ]
            ),
            .group("error_handling", [.enumeration("on_error", "migrate")]),
            .group(
                "fencing_policy",
                [
                    .bool("enabled", true),
                    .group("skip_if_connectivity_broken", [.bool("enabled", false), .int("threshold", 50)]),
                    .bool("skip_if_gluster_bricks_up", false),
                    .bool("skip_if_gluster_quorum_not_met", false),
                    .group("skip_if_sd_active", [.bool("enabled", false)]),
                ]
            ),
            .enumeration("fips_mode", "disabled"),
            .enumeration("firewall_type", "firewalld"),
            .bool("gluster_service", false),
            .bool("ha_reservation", false),
            .group("ksm", [.bool("enabled", true), .bool("merge_across_nodes", true)]),
            .int("log_max_memory_used_threshold", 95),
            .enumeration("log_max_memory_used_threshold_type", "percentage"),
            .bool("maintenance_reason_required", false),
            .group(
                "memory_policy",
                [
                    .group("over_commit", [.int("percent", 100)]),
                    .group("transparent_hugepages", [.bool("enabled", true)]),
                ]
            ),
            .group(
                "migration",
                [
                    .enumeration("auto_converge", "inherit"),
                    .group("bandwidth", [.enumeration("assignment_method", "auto")]),
                    .enumeration("compressed", "inherit"),
                    .enumeration("encrypted", "inherit"),
                    .enumeration("parallel_migrations_policy", "disabled"),
                    .reference("policy", id: "80554327-0569-496b-bdeb-fcbbf52b827b", href: nil),
                ]
            ),
            .bool("optional_reason", false),
            .values("required_rng_sources", item: "required_rng_source", [.enumeration("urandom")]),
            .enumeration("switch_type", "legacy"),
            .bool("threads_as_cores", false),
            .bool("trusted_service", false),
            .bool("tunnel_migration", false),
            .bool("upgrade_in_progress", false),
            version(major: cluster.versionMajor, minor: cluster.versionMinor),
            .bool("virt_service", true),
            .bool("vnc_encryption", false),
        ]
        if let node = try reference(
            "data_center",
            id: cluster.dataCenterID,
            href: Self.href("datacenters", cluster.dataCenterID),
            follow: follow,
            resolve: { sub in try inventory.dataCenter(cluster.dataCenterID).map { try dataCenter($0, follow: sub) } }
        ) {
            fields.append(node)
        }
        let macPool = ids.make("macpool", 0)
        fields.append(.reference("mac_pool", id: macPool, href: Self.href("macpools", macPool)))
        if let management = cluster.networkIDs.first,
            let node = try reference(
                "management_network",
                id: management,
                href: Self.href("clusters", cluster.id, "networks", management),
                follow: follow,
                resolve: { sub in try inventory.network(management).map { try network($0, follow: sub) } }
            )
        {
            fields.append(node)
        }
        let policy = "b4ed2332-a7ac-4d5f-9596-99a439cb2812"
        fields.append(.reference("scheduling_policy", id: policy, href: Self.href("schedulingpolicies", policy)))
        if let sub = follow.child("networks") {
            fields.append(
                .list("networks", item: "network", try clusterNetworks(cluster).map { try network($0, follow: sub, clusterID: cluster.id) })
            )
        }
        return OvirtNode(
            "cluster",
            .object(
                OvirtObject(
                    id: cluster.id,
                    href: href,
                    actions: ["resetemulatedmachine", "syncallnetworks", "upgrade", "refreshglusterhealstatus"],
                    name: cluster.name,
                    description: cluster.description,
                    comment: "",
                    links: links(
                        href,
                        [
                            "networkfilters", "permissions", "cpuprofiles", "networks", "enabledfeatures",
                            "externalnetworkproviders", "glustervolumes", "glusterhooks", "affinitygroups",
                        ]
                    ),
                    fields: fields
                )
            )
        )
    }

    func clusterNetworks(_ cluster: SimCluster) -> [SimNetwork] {
        cluster.networkIDs.compactMap { inventory.network($0) }
    }

    // MARK: Hosts

    func host(_ host: SimHost, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "Host", allowed: ["cluster", "nics"])
        let href = Self.href("hosts", host.id)
        let vmCounts = hostVMCounts[host.id] ?? (0, 0)
        let ids = StableID(engine: inventory.engineName)
        var fields: [OvirtNode] = [
            .string("address", host.address),
            .enumeration("auto_numa_status", "enable"),
            .group("certificate", [.string("organization", "lab.local"), .string("subject", "O=lab.local,CN=\(host.address)")]),
            .group(
                "cpu",
                [
                    .string("name", host.cpuModel),
                    .scalar("speed", .decimal(Double(host.cpuSpeedMHz))),
                    .group(
                        "topology",
                        [.int("cores", host.coresPerSocket), .int("sockets", host.sockets), .int("threads", host.threadsPerCore)]
                    ),
                    .string("type", "Intel Cascadelake Server Family"),
                ]
            ),
            .group("device_passthrough", [.bool("enabled", false)]),
            .group(
                "display",
                [.string("address", host.address)]
            ),
            .enumeration("external_status", "ok"),
            .group(
                "hardware_information",
                [
                    .string("family", "ProLiant"),
                    .string("manufacturer", "HPE"),
                    .string("product_name", "ProLiant DL380 Gen10"),
                    .string("serial_number", host.serialNumber),
                    .values("supported_rng_sources", item: "supported_rng_source", [.enumeration("hwrng"), .enumeration("random")]),
                    .string("uuid", host.hardwareUUID),
                    .string("version", ""),
                ]
            ),
            .group("hosted_engine", [.bool("active", false), .bool("configured", false), .bool("global_maintenance", false), .bool("local_maintenance", false), .int("score", 0)]),
            .enumeration("kdump_status", "disabled"),
            .group("ksm", [.bool("enabled", false)]),
            .group(
                "libvirt_version",
                [.int("build", 0), .string("full_version", "libvirt-8.0.0-22.module_el8"), .int("major", 8), .int("minor", 0), .int("revision", 0)]
            ),
            .long("max_scheduling_memory", host.memory - host.memory / 16),
            .long("memory", host.memory),
            .bool("network_operation_in_progress", false),
            .bool("numa_supported", true),
            .group(
                "os",
                [
                    .string("custom_kernel_cmdline", ""),
                    .string("reported_kernel_cmdline", "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-4.18.0-526.el8.x86_64 root=/dev/mapper/rl-root ro crashkernel=auto"),
                    .string("type", "RHEL"),
                    .group("version", [.string("full_version", "8.9 - 1.el8"), .int("major", 8), .int("minor", 9)]),
                ]
            ),
            .bool("override_iptables", false),
            .bool("ovn_configured", true),
            .int("port", 54321),
            .group(
                "power_management",
                [.bool("automatic_pm_enabled", true), .bool("enabled", false), .bool("kdump_detection", true), .list("pm_proxies", item: "pm_proxy", [])]
            ),
            .enumeration("protocol", "stomp"),
            .bool("reinstallation_required", false),
            .group("se_linux", [.enumeration("mode", "enforcing")]),
            .group("spm", [.int("priority", 5), .enumeration("status", host.spm ? "spm" : "none")]),
            .group("ssh", [.string("fingerprint", "SHA256:\(ids.make("ssh-\(host.name)", 0).replacingDashes())"), .int("port", 22)]),
            .enumeration("status", host.status),
            .group(
                "summary",
                [.int("active", vmCounts.active), .int("migrating", 0), .int("total", vmCounts.total)]
            ),
            .group("transparent_hugepages", [.bool("enabled", true)]),
            .enumeration("type", "rhel"),
            .bool("update_available", false),
            .group(
                "version",
                [.int("build", 4), .string("full_version", "vdsm-4.50.5.1-1.el8"), .int("major", 4), .int("minor", 50), .int("revision", 0)]
            ),
            .enumeration("vgpu_placement", "consolidated"),
        ]
        if let node = try reference(
            "cluster",
            id: host.clusterID,
            href: Self.href("clusters", host.clusterID),
            follow: follow,
            resolve: { sub in try inventory.cluster(host.clusterID).map { try cluster($0, follow: sub) } }
        ) {
            fields.append(node)
        }
        if let sub = follow.child("nics") {
            fields.append(.list("nics", item: "host_nic", try hostNics(host).map { try hostNic($0, host: host, follow: sub) }))
        }
        return OvirtNode(
            "host",
            .object(
                OvirtObject(
                    id: host.id,
                    href: href,
                    actions: [
                        "activate", "approve", "commitnetconfig", "copyhostnetworks", "deactivate", "discoveriscsi",
                        "enrollcertificate", "fence", "forceselectspm", "install", "iscsidiscover", "iscsilogin",
                        "refresh", "setupnetworks", "syncallnetworks", "unregisteredstoragedomainsdiscover",
                        "upgrade", "upgradecheck",
                    ],
                    name: host.name,
                    description: "",
                    comment: "",
                    links: links(
                        href,
                        [
                            "affinitylabels", "devices", "externalnetworkproviderconfigurations", "fenceagents",
                            "hooks", "katelloerrata", "networkattachments", "nics", "numanodes", "permissions",
                            "statistics", "storage", "storageconnectionextensions", "tags", "unmanagednetworks",
                            "cpuunits",
                        ]
                    ),
                    fields: fields
                )
            )
        )
    }

    /// The host's NICs as the engine lists them: the physical NICs and bonds,
    /// then one VLAN device (`bond0.2921`) per VLAN network attached.
    func hostNics(_ host: SimHost) -> [SimHostNic] {
        var nics = host.nics
        for attachment in host.networkAttachments {
            guard let network = inventory.network(attachment.networkID), let vlan = network.vlanID,
                let base = host.nics.first(where: { $0.id == attachment.nicID })
            else { continue }
            nics.append(
                SimHostNic(
                    id: StableID(engine: host.id).make("vlan-\(base.id)", vlan),
                    name: "\(base.name).\(vlan)",
                    mac: base.mac,
                    speed: base.speed,
                    mtu: base.mtu,
                    ipAddress: attachment.address,
                    netmask: attachment.netmask,
                    gateway: attachment.gateway,
                    networkID: network.id,
                    vlanID: vlan,
                    baseInterface: base.name
                )
            )
        }
        return nics
    }

    /// The untagged network attached to `nic`, as its `<network>`.
    private func attachedNetworkID(_ nic: SimHostNic, host: SimHost) -> String? {
        if nic.vlanID != nil { return nic.networkID }
        return host.networkAttachments.first { attachment in
            attachment.nicID == nic.id && inventory.network(attachment.networkID).map { $0.vlanID == nil } == true
        }?.networkID
    }

    func hostNic(_ nic: SimHostNic, host: SimHost, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "HostNic", allowed: ["host", "network"])
        let href = Self.href("hosts", host.id, "nics", nic.id)
        let networkID = attachedNetworkID(nic, host: host)
        let attachment = host.networkAttachments.first { $0.nicID == nic.id && $0.networkID == networkID }
        let address = nic.vlanID != nil ? nic.ipAddress : (attachment?.address ?? nic.ipAddress)
        var fields: [OvirtNode] = []
        if let base = nic.baseInterface { fields.append(.string("base_interface", base)) }
        fields.append(contentsOf: [
            .enumeration("boot_protocol", address == nil ? "none" : "static"),
            .bool("bridged", networkID.flatMap { inventory.network($0) }?.usages.contains("vm") ?? false),
            .bool("custom_configuration", false),
        ])
        if let address {
            var ip: [OvirtNode] = [.string("address", address)]
            if let gateway = attachment?.gateway ?? nic.gateway { ip.append(.string("gateway", gateway)) }
            if let netmask = attachment?.netmask ?? nic.netmask { ip.append(.string("netmask", netmask)) }
            ip.append(.enumeration("version", "v4"))
            fields.append(.group("ip", ip))
        } else {
            fields.append(.group("ip", [.enumeration("version", "v4")]))
        }
        fields.append(.enumeration("ipv6_boot_protocol", "none"))
        fields.append(.group("ipv6", [.enumeration("version", "v6")]))
        fields.append(.group("mac", [.string("address", nic.mac)]))
        fields.append(.int("mtu", nic.mtu))
        fields.append(.list("properties", item: "property", []))
        fields.append(.long("speed", nic.speed))
        fields.append(.enumeration("status", "up"))
        if let vlan = nic.vlanID {
            fields.append(OvirtNode("vlan", .object(OvirtObject(id: String(vlan)))))
        }
        if !nic.bondSlaveIDs.isEmpty {
            fields.append(
                .group(
                    "bonding",
                    [
                        .list(
                            "options",
                            item: "option",
                            nic.bondOptions.map { option in
                                .group("option", [.string("name", option.name), .string("type", option.name == "mode" ? "Dynamic link aggregation (802.3ad)" : ""), .string("value", option.value)])
                            }
                        ),
                        .list(
                            "slaves",
                            item: "host_nic",
                            nic.bondSlaveIDs.map { .reference("host_nic", id: $0, href: Self.href("hosts", host.id, "nics", $0)) }
                        ),
                    ]
                )
            )
        }
        if follow.child("host") != nil {
            fields.append(OvirtNode("host", try self.host(host).content))
        } else {
            fields.append(.reference("host", id: host.id, href: Self.href("hosts", host.id)))
        }
        if let networkID,
            let node = try reference(
                "network",
                id: networkID,
                href: Self.href("networks", networkID),
                follow: follow,
                resolve: { sub in try inventory.network(networkID).map { try network($0, follow: sub) } }
            )
        {
            fields.append(node)
        }
        return OvirtNode(
            "host_nic",
            .object(
                OvirtObject(
                    id: nic.id,
                    href: href,
                    actions: ["updatevirtualfunctionsconfiguration"],
                    name: nic.name,
                    links: links(href, ["networklabels", "networkattachments", "statistics", "virtualfunctionallowedlabels", "virtualfunctionallowednetworks"]),
                    fields: fields
                )
            )
        )
    }

    // MARK: Storage domains

    func storageDomain(_ sd: SimStorageDomain, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "StorageDomain", allowed: ["data_centers"])
        let href = Self.href("storagedomains", sd.id)
        var storage: [OvirtNode] = []
        if let address = sd.nfsAddress { storage.append(.string("address", address)) }
        if let path = sd.nfsPath { storage.append(.string("path", path)) }
        if sd.storageType == "nfs" { storage.append(.enumeration("nfs_version", "auto")) }
        storage.append(.enumeration("type", sd.storageType))
        var fields: [OvirtNode] = [
            .long("available", sd.available),
            .bool("backup", false),
            .int("block_size", 512),
            .long("committed", sd.committed),
            .int("critical_space_action_blocker", 5),
            .bool("discard_after_delete", false),
            .enumeration("external_status", "ok"),
            .bool("master", true),
            .group("storage", storage),
            .enumeration("storage_format", "v5"),
            .bool("supports_discard", false),
            .bool("supports_discard_zeroes_data", false),
            .enumeration("type", "data"),
            .long("used", sd.used),
            .int("warning_low_space_indicator", 10),
            .bool("wipe_after_delete", false),
        ]
        if let sub = follow.child("data_centers") {
            fields.append(.list("data_centers", item: "data_center", try inventory.dataCenter(sd.dataCenterID).map { [try dataCenter($0, follow: sub)] } ?? []))
        } else {
            fields.append(
                .list("data_centers", item: "data_center", [.reference("data_center", id: sd.dataCenterID, href: Self.href("datacenters", sd.dataCenterID))])
            )
        }
        return OvirtNode(
            "storage_domain",
            .object(
                OvirtObject(
                    id: sd.id,
                    href: href,
                    actions: ["isattached", "reduceluns", "refreshluns", "updateovfstore"],
                    name: sd.name,
                    description: sd.description,
                    comment: "",
                    links: links(href, ["diskprofiles", "disks", "storageconnections", "permissions", "templates", "vms", "disksnapshots"]),
                    fields: fields
                )
            )
        )
    }

    // MARK: Networks

    func network(_ network: SimNetwork, follow: FollowTree = .none, clusterID: String? = nil) throws -> OvirtNode {
        try check(follow, "Network", allowed: ["data_center", "vnic_profiles"])
        let href = clusterID.map { Self.href("clusters", $0, "networks", network.id) } ?? Self.href("networks", network.id)
        var fields: [OvirtNode] = []
        if clusterID != nil {
            fields.append(.bool("display", false))
        }
        fields.append(contentsOf: [
            .int("mtu", network.mtu),
            .bool("port_isolation", false),
            .bool("profile_required", network.profileRequired),
            .bool("required", clusterID.flatMap { inventory.cluster($0) }.map { $0.requiredNetworkIDs.contains(network.id) } ?? true),
            .bool("stp", false),
            .values("usages", item: "usage", network.usages.map { .enumeration($0) }),
            .string("vdsm_name", network.name),
        ])
        if clusterID != nil {
            fields.append(.enumeration("status", "operational"))
        }
        if let vlan = network.vlanID {
            fields.append(OvirtNode("vlan", .object(OvirtObject(id: String(vlan)))))
        }
        if let clusterID {
            fields.append(.reference("cluster", id: clusterID, href: Self.href("clusters", clusterID)))
        }
        if let node = try reference(
            "data_center",
            id: network.dataCenterID,
            href: Self.href("datacenters", network.dataCenterID),
            follow: follow,
            resolve: { sub in try inventory.dataCenter(network.dataCenterID).map { try dataCenter($0, follow: sub) } }
        ) {
            fields.append(node)
        }
        if let sub = follow.child("vnic_profiles") {
            fields.append(
                .list("vnic_profiles", item: "vnic_profile", try inventory.vnicProfiles.filter { $0.networkID == network.id }.map { try vnicProfile($0, follow: sub) })
            )
        }
        return OvirtNode(
            "network",
            .object(
                OvirtObject(
                    id: network.id,
                    href: href,
                    name: network.name,
                    description: network.description,
                    comment: network.comment,
                    links: clusterID == nil ? links(href, ["permissions", "vnicprofiles", "networklabels"]) : [],
                    fields: fields
                )
            )
        )
    }

    func vnicProfile(_ profile: SimVnicProfile, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "VnicProfile", allowed: ["network"])
        let href = Self.href("vnicprofiles", profile.id)
        var fields: [OvirtNode] = [
            .list("custom_properties", item: "custom_property", []),
            .bool("migratable", false),
            .group("pass_through", [.enumeration("mode", "disabled")]),
            .bool("port_mirroring", false),
        ]
        if let node = try reference(
            "network",
            id: profile.networkID,
            href: Self.href("networks", profile.networkID),
            follow: follow,
            resolve: { sub in try inventory.network(profile.networkID).map { try network($0, follow: sub) } }
        ) {
            fields.append(node)
        }
        let filter = "d2370ab4-fee3-11e9-a310-8c1645ce738e"
        fields.append(.reference("network_filter", id: filter, href: Self.href("networkfilters", filter)))
        return OvirtNode(
            "vnic_profile",
            .object(
                OvirtObject(
                    id: profile.id,
                    href: href,
                    name: profile.name,
                    links: links(href, ["permissions"]),
                    fields: fields
                )
            )
        )
    }

    // MARK: Disks

    func disk(_ disk: SimDisk, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "Disk", allowed: ["storage_domains"])
        let href = Self.href("disks", disk.id)
        var fields: [OvirtNode] = [
            .long("actual_size", disk.actualSize),
            .string("alias", disk.name),
            .enumeration("backup", "none"),
            .enumeration("content_type", "data"),
            .enumeration("format", disk.format),
            .string("image_id", disk.imageID),
            .bool("propagate_errors", false),
            .long("provisioned_size", disk.provisionedSize),
            .enumeration("qcow_version", "qcow2_v3"),
            .bool("shareable", false),
            .bool("sparse", disk.sparse),
            .enumeration("status", disk.status),
            .enumeration("storage_type", "image"),
            .long("total_size", disk.actualSize),
            .bool("wipe_after_delete", false),
        ]
        let profileID = StableID(engine: inventory.engineName).make("diskprofile", 0)
        fields.append(.reference("disk_profile", id: profileID, href: Self.href("diskprofiles", profileID)))
        fields.append(.reference("quota", id: StableID(engine: inventory.engineName).make("quota", 0), href: nil))
        if let sub = follow.child("storage_domains") {
            fields.append(.list("storage_domains", item: "storage_domain", try inventory.storageDomain(disk.storageDomainID).map { [try storageDomain($0, follow: sub)] } ?? []))
        } else {
            fields.append(
                .list(
                    "storage_domains",
                    item: "storage_domain",
                    [.reference("storage_domain", id: disk.storageDomainID, href: Self.href("storagedomains", disk.storageDomainID))]
                )
            )
        }
        return OvirtNode(
            "disk",
            .object(
                OvirtObject(
                    id: disk.id,
                    href: href,
                    actions: ["convert", "copy", "export", "move", "reduce", "refreshlun", "sparsify"],
                    name: disk.name,
                    description: disk.description,
                    links: links(href, ["disksnapshots", "permissions", "statistics"]),
                    fields: fields
                )
            )
        )
    }

    /// - Parameters:
    ///   - ownerPath: `vms/ID` or `templates/ID`; the attachment's href lives under it.
    func diskAttachment(_ attachment: SimDiskAttachment, ownerKind: String, ownerID: String, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "DiskAttachment", allowed: ["disk", ownerKind == "vms" ? "vm" : "template"])
        let href = Self.href(ownerKind, ownerID, "diskattachments", attachment.diskID)
        var fields: [OvirtNode] = [
            .bool("active", attachment.active),
            .bool("bootable", attachment.bootable),
            .enumeration("interface", attachment.interface),
            .string("logical_name", "/dev/sda"),
            .bool("pass_discard", false),
            .bool("read_only", false),
            .bool("uses_scsi_reservation", false),
        ]
        if let node = try reference(
            "disk",
            id: attachment.diskID,
            href: Self.href("disks", attachment.diskID),
            follow: follow,
            resolve: { sub in try inventory.disk(attachment.diskID).map { try disk($0, follow: sub) } }
        ) {
            fields.append(node)
        }
        let ownerElement = ownerKind == "vms" ? "vm" : "template"
        if let sub = follow.child(ownerElement) {
            if ownerKind == "vms", let vm = inventory.vms.first(where: { $0.id == ownerID }) {
                fields.append(try self.vm(vm, follow: sub))
            } else if let template = inventory.template(ownerID) {
                fields.append(try self.template(template, follow: sub))
            }
        } else {
            fields.append(.reference(ownerElement, id: ownerID, href: Self.href(ownerKind, ownerID)))
        }
        return OvirtNode("disk_attachment", .object(OvirtObject(id: attachment.diskID, href: href, fields: fields)))
    }

    // MARK: Templates

    func template(_ template: SimTemplate, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "Template", allowed: ["cluster", "disk_attachments"])
        let href = Self.href("templates", template.id)
        var fields = commonVMFields(
            memory: template.memory,
            cores: template.cores,
            sockets: 1,
            threads: 1,
            osType: template.osType,
            creationTime: template.creationTime,
            highlyAvailable: false
        )
        fields.append(.enumeration("status", "ok"))
        fields.append(
            .group(
                "version",
                [
                    .string("version_name", template.id == OvirtInventory.blankTemplateID ? "base version" : "1"),
                    .int("version_number", 1),
                    .reference("base_template", id: template.id, href: Self.href("templates", template.id)),
                ]
            )
        )
        if let clusterID = template.clusterID,
            let node = try reference(
                "cluster",
                id: clusterID,
                href: Self.href("clusters", clusterID),
                follow: follow,
                resolve: { sub in try inventory.cluster(clusterID).map { try cluster($0, follow: sub) } }
            )
        {
            fields.append(node)
        }
        if let sub = follow.child("disk_attachments") {
            fields.append(
                .list(
                    "disk_attachments",
                    item: "disk_attachment",
                    try template.diskIDs.map {
                        try diskAttachment(SimDiskAttachment(diskID: $0, bootable: true, interface: "virtio_scsi"), ownerKind: "templates", ownerID: template.id, follow: sub)
                    }
                )
            )
        }
        return OvirtNode(
            "template",
            .object(
                OvirtObject(
                    id: template.id,
                    href: href,
                    actions: ["export"],
                    name: template.name,
                    description: template.description,
                    comment: "",
                    links: links(href, ["diskattachments", "graphicsconsoles", "cdroms", "mediateddevices", "nics", "permissions", "tags", "watchdogs"]),
                    fields: fields
                )
            )
        )
    }

    /// The `VmBase` fields shared by VMs and templates, in the engine's order.
    private func commonVMFields(
        memory: Int64,
        cores: Int,
        sockets: Int,
        threads: Int,
        osType: String,
        creationTime: Int64,
        highlyAvailable: Bool,
        memoryGuaranteed: Int64? = nil
    ) -> [OvirtNode] {
        [
            .group("bios", [.group("boot_menu", [.bool("enabled", false)]), .enumeration("type", "q35_ovmf")]),
            .group(
                "cpu",
                [
                    .enumeration("architecture", "x86_64"),
                    .group("topology", [.int("cores", cores), .int("sockets", sockets), .int("threads", threads)]),
                ]
            ),
            .int("cpu_shares", 0),
            .date("creation_time", creationTime),
            .bool("delete_protected", false),
            .group(
                "display",
                [
                    .bool("allow_override", false),
                    .bool("copy_paste_enabled", true),
                    .enumeration("disconnect_action", "LOCK_SCREEN"),
                    .int("disconnect_action_delay", 0),
                    .bool("file_transfer_enabled", true),
                    .int("monitors", 1),
                    .bool("single_qxl_pci", false),
                    .bool("smartcard_enabled", false),
                    .enumeration("type", "vnc"),
                ]
            ),
            .group("high_availability", [.bool("enabled", highlyAvailable), .int("priority", highlyAvailable ? 50 : 0)]),
            .group("io", [.int("threads", 1)]),
            .long("memory", memory),
            .group(
                "memory_policy",
                [
                    .bool("ballooning", true),
                    .long("guaranteed", memoryGuaranteed ?? memory),
                    .long("max", memory * 4),
                ]
            ),
            .group(
                "migration",
                [
                    .enumeration("auto_converge", "inherit"),
                    .enumeration("compressed", "inherit"),
                    .enumeration("encrypted", "inherit"),
                    .enumeration("parallel_migrations_policy", "inherit"),
                ]
            ),
            .int("migration_downtime", -1),
            .bool("multi_queues_enabled", true),
            .string("origin", "ovirt"),
            .group(
                "os",
                [
                    .group("boot", [.values("devices", item: "device", [.enumeration("hd")])]),
                    .string("type", osType),
                ]
            ),
            .group("placement_policy", [.enumeration("affinity", "migratable")]),
            .group("sso", [.list("methods", item: "method", [OvirtNode("method", .object(OvirtObject(id: "guest_agent")))])]),
            .bool("start_paused", false),
            .bool("stateless", false),
            .enumeration("storage_error_resume_behaviour", "auto_resume"),
            .group("time_zone", [.string("name", osType.hasPrefix("windows") ? "GMT Standard Time" : "Etc/GMT")]),
            .enumeration("type", "server"),
            .group("usb", [.bool("enabled", false)]),
        ]
    }

    // MARK: VMs

    func vm(_ vm: SimVM, follow: FollowTree = .none) throws -> OvirtNode {
        try check(
            follow,
            "Vm",
            allowed: ["cluster", "host", "template", "original_template", "nics", "disk_attachments", "reported_devices"]
        )
        let href = Self.href("vms", vm.id)
        let ids = StableID(engine: inventory.engineName)
        var fields = commonVMFields(
            memory: vm.memory,
            cores: vm.cores,
            sockets: vm.sockets,
            threads: vm.threads,
            osType: vm.osType,
            creationTime: vm.creationTime,
            highlyAvailable: vm.highlyAvailable,
            memoryGuaranteed: vm.memoryGuaranteed
        )
        if let initialization = vm.initialization {
            fields.append(self.initialization(initialization))
        }
        if let node = try reference(
            "cluster",
            id: vm.clusterID,
            href: Self.href("clusters", vm.clusterID),
            follow: follow,
            resolve: { sub in try inventory.cluster(vm.clusterID).map { try cluster($0, follow: sub) } }
        ) {
            fields.append(node)
        }
        let cpuProfile = ids.make("cpuprofile", 0)
        fields.append(.reference("cpu_profile", id: cpuProfile, href: Self.href("cpuprofiles", cpuProfile)))
        fields.append(.reference("quota", id: ids.make("quota", 0), href: nil))
        fields.append(.enumeration("cpu_pinning_policy", "none"))
        if let fqdn = vm.fqdn {
            fields.append(.string("fqdn", fqdn))
        }
        if vm.isUp {
            let windows = vm.osType.hasPrefix("windows")
            fields.append(
                .group(
                    "guest_operating_system",
                    [
                        .enumeration("architecture", "x86_64"),
                        .string("codename", ""),
                        .string("distribution", vm.guestDistribution),
                        .string("family", windows ? "Windows" : "Linux"),
                        .group(
                            "kernel",
                            [
                                .group(
                                    "version",
                                    [.int("build", 0), .string("full_version", vm.guestKernel), .int("major", 6), .int("minor", 1), .int("revision", 52)]
                                )
                            ]
                        ),
                        .group("version", [.string("full_version", windows ? "10.0.17763" : "7.3"), .int("major", windows ? 10 : 7), .int("minor", windows ? 0 : 3)]),
                    ]
                )
            )
            fields.append(.group("guest_time_zone", [.string("name", "Europe/Moscow"), .string("utc_offset", "+03:00")]))
        }
        fields.append(.bool("has_illegal_images", false))
        fields.append(.bool("next_run_configuration_exists", false))
        fields.append(.enumeration("numa_tune_mode", "interleave"))
        fields.append(.bool("run_once", vm.runOnce))
        if let start = vm.startTime { fields.append(.date("start_time", start)) }
        fields.append(.enumeration("status", vm.status))
        if let stop = vm.stopTime { fields.append(.date("stop_time", stop)) }
        if let hostID = vm.hostID,
            let node = try reference(
                "host",
                id: hostID,
                href: Self.href("hosts", hostID),
                follow: follow,
                resolve: { sub in try inventory.host(hostID).map { try host($0, follow: sub) } }
            )
        {
            fields.append(node)
        }
        for name in ["original_template", "template"] {
            if let node = try reference(
                name,
                id: vm.templateID,
                href: Self.href("templates", vm.templateID),
                follow: follow,
                resolve: { sub in try inventory.template(vm.templateID).map { try template($0, follow: sub) } }
            ) {
                fields.append(node)
            }
        }
        fields.append(.bool("virtio_scsi_multi_queues_enabled", false))
        fields.append(.bool("tpm_enabled", false))
        if let sub = follow.child("nics") {
            fields.append(.list("nics", item: "nic", try vm.nics.map { try nic($0, vm: vm, follow: sub) }))
        }
        if let sub = follow.child("disk_attachments") {
            fields.append(
                .list(
                    "disk_attachments",
                    item: "disk_attachment",
                    try vm.diskAttachments.map { try diskAttachment($0, ownerKind: "vms", ownerID: vm.id, follow: sub) }
                )
            )
        }
        if let sub = follow.child("reported_devices") {
            fields.append(
                .list("reported_devices", item: "reported_device", try vm.reportedDevices.map { try reportedDevice($0, vm: vm, follow: sub) })
            )
        }
        return OvirtNode(
            "vm",
            .object(
                OvirtObject(
                    id: vm.id,
                    href: href,
                    actions: Self.vmActions,
                    name: vm.name,
                    description: vm.description,
                    comment: vm.comment,
                    links: links(href, Self.vmLinks),
                    fields: fields
                )
            )
        )
    }

    static let vmActions = [
        "autopincpuandnumanodes", "cancelmigration", "clone", "commitsnapshot", "detach", "export",
        "exporttoexportdomain", "exporttopathonhost", "freezefilesystems", "logon", "maintenance", "migrate",
        "previewsnapshot", "reboot", "reordermacaddresses", "reset", "screenshot", "shutdown", "start", "stop",
        "suspend", "thawfilesystems", "ticket", "undosnapshot",
    ]

    static let vmLinks = [
        "affinitylabels", "applications", "backups", "cdroms", "checkpoints", "diskattachments",
        "graphicsconsoles", "hostdevices", "katelloerrata", "mediateddevices", "nics", "numanodes",
        "permissions", "reporteddevices", "sessions", "snapshots", "statistics", "tags", "watchdogs",
    ]

    func nic(_ nic: SimVMNic, vm: SimVM, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "Nic", allowed: ["vnic_profile", "vm", "reported_devices"])
        let href = Self.href("vms", vm.id, "nics", nic.id)
        var fields: [OvirtNode] = [
            .enumeration("interface", nic.interface),
            .bool("linked", true),
            .group("mac", [.string("address", nic.mac)]),
            .bool("plugged", true),
            .bool("synced", true),
        ]
        if let sub = follow.child("vm") {
            fields.append(try self.vm(vm, follow: sub))
        } else {
            fields.append(.reference("vm", id: vm.id, href: Self.href("vms", vm.id)))
        }
        if !nic.vnicProfileID.isEmpty, let node = try reference(
            "vnic_profile",
            id: nic.vnicProfileID,
            href: Self.href("vnicprofiles", nic.vnicProfileID),
            follow: follow,
            resolve: { sub in try inventory.vnicProfiles.first { $0.id == nic.vnicProfileID }.map { try vnicProfile($0, follow: sub) } }
        ) {
            fields.append(node)
        }
        if let sub = follow.child("reported_devices") {
            fields.append(
                .list(
                    "reported_devices",
                    item: "reported_device",
                    try vm.reportedDevices.filter { $0.mac == nic.mac }.map { try reportedDevice($0, vm: vm, follow: sub) }
                )
            )
        }
        return OvirtNode(
            "nic",
            .object(
                OvirtObject(
                    id: nic.id,
                    href: href,
                    actions: ["activate", "deactivate"],
                    name: nic.name,
                    links: links(href, ["networkfilterparameters", "networklabels", "reporteddevices", "statistics", "networkattachments"]),
                    fields: fields
                )
            )
        )
    }

    func reportedDevice(_ device: SimReportedDevice, vm: SimVM, follow: FollowTree = .none) throws -> OvirtNode {
        try check(follow, "ReportedDevice", allowed: ["vm"])
        var fields: [OvirtNode] = [
            .list(
                "ips",
                item: "ip",
                [
                    .group("ip", [.string("address", device.ipv4), .enumeration("version", "v4")]),
                    .group("ip", [.string("address", device.ipv6), .enumeration("version", "v6")]),
                ]
            ),
            .group("mac", [.string("address", device.mac)]),
            .enumeration("type", "network"),
        ]
        if let sub = follow.child("vm") {
            fields.append(try self.vm(vm, follow: sub))
        } else {
            fields.append(.reference("vm", id: vm.id, href: Self.href("vms", vm.id)))
        }
        return OvirtNode(
            "reported_device",
            .object(
                OvirtObject(
                    id: device.id,
                    href: Self.href("vms", vm.id, "reporteddevices", device.id),
                    name: device.name,
                    description: "guest reported data",
                    fields: fields
                )
            )
        )
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(self.filter { $0 != "-" })
    }
}

// MARK: Write-side objects

extension Representer {
    /// The persisted cloud-init data (`<initialization>`), shown on every VM
    /// read as the engine does (`BackendVmsResource` loads `VmInit` for the
    /// main detail level).
    func initialization(_ initialization: SimInitialization) -> OvirtNode {
        var fields: [OvirtNode] = []
        if let keys = initialization.authorizedSSHKeys { fields.append(.string("authorized_ssh_keys", keys)) }
        if let script = initialization.customScript { fields.append(.string("custom_script", script)) }
        if let search = initialization.dnsSearch { fields.append(.string("dns_search", search)) }
        if let servers = initialization.dnsServers { fields.append(.string("dns_servers", servers)) }
        if let hostName = initialization.hostName { fields.append(.string("host_name", hostName)) }
        if !initialization.nicConfigurations.isEmpty {
            fields.append(
                .list(
                    "nic_configurations",
                    item: "nic_configuration",
                    initialization.nicConfigurations.map { configuration in
                        var nic: [OvirtNode] = []
                        if let protocolName = configuration.bootProtocol { nic.append(.enumeration("boot_protocol", protocolName)) }
                        if configuration.address != nil || configuration.netmask != nil || configuration.gateway != nil {
                            var ip: [OvirtNode] = []
                            if let address = configuration.address { ip.append(.string("address", address)) }
                            if let gateway = configuration.gateway { ip.append(.string("gateway", gateway)) }
                            if let netmask = configuration.netmask { ip.append(.string("netmask", netmask)) }
                            ip.append(.enumeration("version", "v4"))
                            nic.append(.group("ip", ip))
                        }
                        nic.append(.string("name", configuration.name))
                        if let onBoot = configuration.onBoot { nic.append(.bool("on_boot", onBoot)) }
                        return .group("nic_configuration", nic)
                    }
                )
            )
        }
        fields.append(.bool("regenerate_ssh_keys", false))
        if let timezone = initialization.timezone { fields.append(.string("timezone", timezone)) }
        if let user = initialization.userName { fields.append(.string("user_name", user)) }
        return .group("initialization", fields)
    }

    /// A network configured on a host NIC; `underNic` gives the href the
    /// engine uses under `/hosts/{id}/nics/{nic}/networkattachments`.
    func networkAttachment(
        _ attachment: SimNetworkAttachment,
        host: SimHost,
        underNic: Bool = false,
        follow: FollowTree = .none
    ) throws -> OvirtNode {
        try check(follow, "NetworkAttachment", allowed: ["network", "host", "host_nic"])
        let href = underNic
            ? Self.href("hosts", host.id, "nics", attachment.nicID, "networkattachments", attachment.id)
            : Self.href("hosts", host.id, "networkattachments", attachment.id)
        var fields: [OvirtNode] = [.bool("in_sync", true)]
        var ip: [OvirtNode] = []
        if let address = attachment.address { ip.append(.string("address", address)) }
        if let gateway = attachment.gateway { ip.append(.string("gateway", gateway)) }
        if let netmask = attachment.netmask { ip.append(.string("netmask", netmask)) }
        ip.append(.enumeration("version", "v4"))
        fields.append(
            .list(
                "ip_address_assignments",
                item: "ip_address_assignment",
                [.group("ip_address_assignment", [.enumeration("assignment_method", attachment.bootProtocol), .group("ip", ip)])]
            )
        )
        fields.append(.list("properties", item: "property", []))
        if follow.child("host") != nil {
            fields.append(OvirtNode("host", try self.host(host).content))
        } else {
            fields.append(.reference("host", id: host.id, href: Self.href("hosts", host.id)))
        }
        if let nic = host.nics.first(where: { $0.id == attachment.nicID }), follow.child("host_nic") != nil {
            fields.append(OvirtNode("host_nic", try hostNic(nic, host: host).content))
        } else {
            fields.append(.reference("host_nic", id: attachment.nicID, href: Self.href("hosts", host.id, "nics", attachment.nicID)))
        }
        if let node = try reference(
            "network",
            id: attachment.networkID,
            href: Self.href("networks", attachment.networkID),
            follow: follow,
            resolve: { sub in try inventory.network(attachment.networkID).map { try network($0, follow: sub) } }
        ) {
            fields.append(node)
        }
        return OvirtNode("network_attachment", .object(OvirtObject(id: attachment.id, href: href, fields: fields)))
    }

    func job(_ job: SimJob) -> OvirtNode {
        let href = Self.href("jobs", job.id)
        let owner = StableID(engine: inventory.engineName).make("user", 0)
        var fields: [OvirtNode] = [.bool("auto_cleared", true)]
        if let end = job.endTime { fields.append(.date("end_time", end)) }
        fields.append(.bool("external", false))
        fields.append(.date("last_updated", job.endTime ?? job.lastUpdated))
        fields.append(.date("start_time", job.startTime))
        fields.append(.enumeration("status", job.status))
        fields.append(.reference("owner", id: owner, href: Self.href("users", owner)))
        return OvirtNode(
            "job",
            .object(
                OvirtObject(
                    id: job.id,
                    href: href,
                    actions: ["clear", "end"],
                    description: job.description,
                    links: links(href, ["steps"]),
                    fields: fields
                )
            )
        )
    }

    func event(_ event: SimEvent) -> OvirtNode {
        let id = String(event.index)
        var fields: [OvirtNode] = [
            .int("code", event.code),
            .string("correlation_id", event.correlationID),
            .int("custom_id", -1),
            .int("flood_rate", 30),
            .int("index", event.index),
            .string("origin", "oVirt"),
            .enumeration("severity", event.severity),
            .date("time", event.time),
        ]
        if let cluster = event.clusterID { fields.append(.reference("cluster", id: cluster, href: Self.href("clusters", cluster))) }
        if let dc = event.dataCenterID { fields.append(.reference("data_center", id: dc, href: Self.href("datacenters", dc))) }
        if let host = event.hostID { fields.append(.reference("host", id: host, href: Self.href("hosts", host))) }
        let user = StableID(engine: inventory.engineName).make("user", 0)
        fields.append(.reference("user", id: user, href: Self.href("users", user)))
        if let vm = event.vmID { fields.append(.reference("vm", id: vm, href: Self.href("vms", vm))) }
        return OvirtNode(
            "event",
            .object(OvirtObject(id: id, href: Self.href("events", id), description: event.description, fields: fields))
        )
    }

    /// `<action><status>complete</status><job/></action>`, a synchronous action's reply.
    static func actionReply(jobID: String?) -> OvirtNode {
        var fields: [OvirtNode] = [.enumeration("status", "complete")]
        if let jobID { fields.append(.reference("job", id: jobID, href: href("jobs", jobID))) }
        return .group("action", fields)
    }
}
