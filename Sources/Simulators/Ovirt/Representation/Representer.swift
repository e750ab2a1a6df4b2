/// Turns inventory objects into ``OvirtNode``s carrying the engine's field set,
/// links and actions, and embeds followed links.
///
/// Following mirrors the engine's `LinkFollower`: a followed reference
/// (`cluster`) is replaced in place by the full object; a followed
/// sub-collection (`nics`) is added as an element named after the collection
/// (`<nics><nic …>…</nic></nics>`) while its `<link rel="nics">` stays.
struct Representer {
    static let apiPath = "/ovirt-engine/api"

    let inventory: EngineInventory
    /// `(active, total)` VM counts per host id, computed once per request.
    let hostVMCounts: [String: (active: Int, total: Int)]

    init(_ inventory: EngineInventory) {
        self.inventory = inventory
        var counts: [String: (active: Int, total: Int)] = [:]
        // By position: copying each (large) VM value here cost more than rendering a page.
        let vms = inventory.vms
        for index in vms.indices {
            guard let hostID = vms[index].hostID else { continue }
            counts[hostID, default: (0, 0)].total += 1
            if vms[index].isUp { counts[hostID, default: (0, 0)].active += 1 }
        }
        self.hostVMCounts = counts
    }

    static func href(_ parts: String...) -> String {
        apiPath + "/" + parts.joined(separator: "/")
    }

    func links(_ base: String, _ rels: [String]) -> [OvirtLink] {
        rels.map { OvirtLink(rel: $0, href: base + "/" + $0) }
    }

    func check(_ follow: FollowTree, _ entity: String, allowed: Set<String>) throws {
        for key in follow.children.keys where !allowed.contains(key) {
            throw FollowError(segment: key, entity: entity)
        }
    }

    /// A reference, or the followed object in its place.
    func reference(
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

    func version(major: Int, minor: Int) -> OvirtNode {
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
        // As ovirt-engine's Getsystem_statistics counts them: VMs Up, PoweringUp, Paused,
        // MigratingTo, Unknown, WaitForLaunch, RebootInProgress or PoweringDown (a migrating VM's
        // own status is MigratingFrom, not counted); hosts Up or PreparingForMaintenance.
        let activeVMStatuses: Set<String> = ["up", "powering_up", "paused", "unknown", "wait_for_launch",
                                             "reboot_in_progress", "powering_down"]
        let upVMs = inventory.vms.filter { activeVMStatuses.contains($0.status) }.count
        let upHosts = inventory.hosts.filter { $0.status == "up" || $0.status == "preparing_for_maintenance" }.count
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
                                    id: EngineInventory.blankTemplateID,
                                    href: Self.href("templates", EngineInventory.blankTemplateID)
                                ),
                                .reference(
                                    "root_tag",
                                    id: EngineInventory.rootTagID,
                                    href: Self.href("tags", EngineInventory.rootTagID)
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
}

extension String {
    func replacingDashes() -> String {
        String(self.filter { $0 != "-" })
    }
}
