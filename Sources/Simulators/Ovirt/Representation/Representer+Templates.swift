/// Templates and the `VmBase` fields they share with VMs.
extension Representer {
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
                    .string("version_name", template.id == EngineInventory.blankTemplateID ? "base version" : "1"),
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
    func commonVMFields(
        memory: Int64,
        cores: Int,
        sockets: Int,
        threads: Int,
        osType: String,
        creationTime: Int64,
        highlyAvailable: Bool,
        memoryGuaranteed: Int64? = nil,
        deleteProtected: Bool = false
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
            .bool("delete_protected", deleteProtected),
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
}
