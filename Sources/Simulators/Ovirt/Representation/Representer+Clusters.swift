/// Data centers and clusters.
extension Representer {
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
}
