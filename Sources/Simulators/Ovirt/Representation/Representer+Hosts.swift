/// Hosts, their NICs and the networks configured on them.
extension Representer {
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
    func attachedNetworkID(_ nic: SimHostNic, host: SimHost) -> String? {
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
}
