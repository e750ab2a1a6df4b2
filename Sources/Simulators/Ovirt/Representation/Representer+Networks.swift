/// Logical networks and vNIC profiles.
extension Representer {
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
}
