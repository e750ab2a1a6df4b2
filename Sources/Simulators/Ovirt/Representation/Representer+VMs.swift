/// VMs, their NICs, reported devices and cloud-init data.
extension Representer {
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
            memoryGuaranteed: vm.memoryGuaranteed,
            deleteProtected: vm.deleteProtected
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
}
