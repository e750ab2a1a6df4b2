import HTTPTypes
import Hummingbird

/// Serves `/ovirt-engine/api/…`: authentication, API version, the resource
/// tree, search, `max`, `follow` and content negotiation.
///
/// Paths are resolved by hand rather than by router patterns because the
/// engine's URL space has quirks a pattern router does not express: the
/// `/api/v4/` alias and matrix parameters such as `/vms;max=10`.
struct OvirtAPIController<Context: RequestContext>: Sendable {
    let state: EngineState

    func addRoutes(to router: Router<Context>) {
        router.get("ovirt-engine/api") { request, _ in try await handle(request) }
        router.get("ovirt-engine/api/**") { request, _ in try await handle(request) }
        let writer = OvirtWriteController(state: state)
        for method in [HTTPRequest.Method.post, .put, .delete] {
            router.on("ovirt-engine/api/**", method: method) { request, _ in
                switch prepare(request) {
                case .failure(let failure): return failure.response
                case .success(let prepared): return try await writer.handle(request, path: prepared.path, format: prepared.format)
                }
            }
        }
    }

    struct Prepared {
        var format: OvirtFormat
        var path: APIPath
    }

    /// Authentication, the `Version` header and the `/v4` alias, shared by reads and writes.
    func prepare(_ request: Request) -> Result<Prepared, PreparedFailure> {
        guard authenticate(request) else { return .failure(PreparedFailure(OvirtResponse.empty(.unauthorized))) }
        let format = OvirtFormat(accept: request.headers[.accept])
        if let version = request.headers[HTTPField.Name("Version")!] {
            guard let number = Int(version.trimmingCharacters(in: " ")) else {
                return .failure(PreparedFailure(OvirtResponse.empty(.badRequest)))
            }
            guard number == 4 else { return .failure(PreparedFailure(OvirtResponse.empty(.notFound))) }
        }
        var path = APIPath(request.uri.path)
        if path.segments.first?.name == "v4" {
            path.segments.removeFirst()
        } else if let first = path.segments.first?.name, first.count >= 2, first.hasPrefix("v"),
            Int(first.dropFirst()) != nil
        {
            return .failure(PreparedFailure(OvirtResponse.empty(.notFound)))
        }
        return .success(Prepared(format: format, path: path))
    }

    struct PreparedFailure: Error {
        var response: Response
        init(_ response: Response) { self.response = response }
    }

    func handle(_ request: Request) async throws -> Response {
        let format: OvirtFormat
        let path: APIPath
        switch prepare(request) {
        case .failure(let failure): return failure.response
        case .success(let prepared):
            format = prepared.format
            path = prepared.path
        }
        let query = QueryParameters(request.uri.query)
        let inventory = state.inventory

        do {
            if let rendered = try renderVMs(path, query: query, inventory: inventory, format: format) {
                return OvirtResponse.rendered(rendered, format: format)
            }
            guard let document = try resolve(path, query: query, inventory: inventory) else {
                return OvirtResponse.empty(.notFound)
            }
            return OvirtResponse.document(document, format: format)
        } catch let error as SearchSyntaxError {
            return OvirtResponse.fault(
                status: .badRequest,
                detail: "[Cannot search: \(error.message).]",
                format: format
            )
        } catch let error as FollowError {
            return OvirtResponse.fault(
                status: .badRequest,
                detail: "[Cannot follow link '\(error.segment)' of \(error.entity): no such link.]",
                format: format
            )
        }
    }

    // MARK: Authentication

    private func authenticate(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization] else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return false }
        switch parts[0].lowercased() {
        case "bearer":
            return state.isValid(token: String(parts[1]).trimmingCharacters(in: " "))
        case "basic":
            guard let bytes = URLEncoding.decodeBase64(parts[1]) else { return false }
            let credentials = String(decoding: bytes, as: UTF8.self)
            guard let colon = credentials.firstIndex(of: ":") else { return false }
            return state.checkCredentials(
                username: String(credentials[..<colon]),
                password: String(credentials[credentials.index(after: colon)...])
            )
        default:
            return false
        }
    }

    // MARK: Resolution

    private func resolve(_ path: APIPath, query: QueryParameters, inventory: EngineInventory) throws -> OvirtDocument? {
        let representer = Representer(inventory)
        let follow = FollowTree(parsing: query["follow"] ?? "")
        let segments = path.segments
        guard let first = segments.first else {
            return .object(representer.api(authenticatedUserID: state.userID))
        }
        var listing = ListOptions(query: query, matrix: first.matrix)
        switch segments.count {
        case 1:
            return try topCollection(first.name, representer: representer, listing: listing, follow: follow)
        case 2:
            return try topObject(first.name, id: segments[1].name, representer: representer, follow: follow)
                .map(OvirtDocument.object)
        case 3, 4:
            listing = ListOptions(query: query, matrix: segments[2].matrix)
            guard
                let sub = try subCollection(
                    first.name,
                    id: segments[1].name,
                    sub: segments[2].name,
                    representer: representer,
                    follow: segments.count == 3 ? follow : .none
                )
            else { return nil }
            if segments.count == 3 {
                return .collection(name: sub.name, item: sub.item, listing.limit(sub.items))
            }
            let id = segments[3].name
            guard let index = sub.ids.firstIndex(of: id) else { return nil }
            // Re-render the one item with the follow tree applied.
            let withFollow = try subCollection(
                first.name,
                id: segments[1].name,
                sub: segments[2].name,
                representer: representer,
                follow: follow
            )
            return withFollow.map { .object($0.items[index]) }
        case 5, 6:
            // /hosts/{id}/nics/{nic}/networkattachments[/{id}]
            guard first.name == "hosts", segments[2].name == "nics", segments[4].name == "networkattachments",
                let host = inventory.host(segments[1].name),
                representer.hostNics(host).contains(where: { $0.id == segments[3].name })
            else { return nil }
            let attachments = host.networkAttachments.filter { $0.nicID == segments[3].name }
            if segments.count == 6 {
                return try attachments.first { $0.id == segments[5].name }
                    .map { .object(try representer.networkAttachment($0, host: host, underNic: true, follow: follow)) }
            }
            return .collection(
                name: "network_attachments",
                item: "network_attachment",
                try attachments.map { try representer.networkAttachment($0, host: host, underNic: true, follow: follow) }
            )
        default:
            return nil
        }
    }

    private func topCollection(
        _ name: String,
        representer: Representer,
        listing: ListOptions,
        follow: FollowTree
    ) throws -> OvirtDocument? {
        let inventory = representer.inventory
        switch name {
        case "vms":
            return try list(
                "vms", item: "vm", inventory.vms, listing: listing, search: SearchFields.vm(inventory),
                name: \.name
            ) { try representer.vm($0, follow: follow) }
        case "hosts":
            return try list(
                "hosts", item: "host", inventory.hosts, listing: listing, search: SearchFields.host(inventory),
                name: \.name
            ) { try representer.host($0, follow: follow) }
        case "clusters":
            return try list(
                "clusters", item: "cluster", inventory.clusters, listing: listing,
                search: SearchFields.cluster(inventory), name: \.name
            ) { try representer.cluster($0, follow: follow) }
        case "datacenters":
            return try list(
                "data_centers", item: "data_center", inventory.dataCenters, listing: listing,
                search: SearchFields.dataCenter(), name: \.name
            ) { try representer.dataCenter($0, follow: follow) }
        case "templates":
            return try list(
                "templates", item: "template", inventory.templates, listing: listing,
                search: SearchFields.template(inventory), name: \.name
            ) { try representer.template($0, follow: follow) }
        case "storagedomains":
            return try list(
                "storage_domains", item: "storage_domain", inventory.storageDomains, listing: listing,
                search: SearchFields.storageDomain(inventory), name: \.name
            ) { try representer.storageDomain($0, follow: follow) }
        case "networks":
            return try list(
                "networks", item: "network", inventory.networks, listing: listing,
                search: SearchFields.network(inventory), name: \.name
            ) { try representer.network($0, follow: follow) }
        case "vnicprofiles":
            // The engine's vnic profile collection takes no search; `max` applies.
            return .collection(
                name: "vnic_profiles",
                item: "vnic_profile",
                listing.limit(try inventory.vnicProfiles.map { try representer.vnicProfile($0, follow: follow) })
            )
        case "disks":
            return try list(
                "disks", item: "disk", inventory.disks, listing: listing, search: SearchFields.disk(inventory),
                name: \.name
            ) { try representer.disk($0, follow: follow) }
        case "jobs":
            // Oldest first, as the engine's job list is ordered by start time.
            return try list(
                "jobs", item: "job", inventory.jobs, listing: listing, search: SearchFields.job(),
                name: { InventorySeeder.pad(Int($0.startTime), 16) }
            ) { representer.job($0) }
        case "events":
            // Newest first, as the engine lists its audit log (`ORDER BY audit_log_id DESC`),
            // also with `from`, which keeps only greater indexes (`SyntaxChecker`: `audit_log_id > from`).
            var events = inventory.events
            if let from = listing.from { events.removeAll { $0.index <= from } }
            if listing.search?.trimmingCharacters(in: " ").isEmpty ?? true {
                // The poll every event follower makes: by index, without building sort keys.
                events.sort { $0.index > $1.index }
                let shown = listing.max.map { Array(events.prefix($0)) } ?? events
                return .collection(name: "events", item: "event", shown.map { representer.event($0) })
            }
            return try list(
                "events", item: "event", events, listing: listing, search: SearchFields.event(inventory),
                name: { InventorySeeder.pad(Int.max / 2 - $0.index, 20) }
            ) { representer.event($0) }
        default:
            return nil
        }
    }

    private func topObject(_ collection: String, id: String, representer: Representer, follow: FollowTree) throws -> OvirtNode? {
        let inventory = representer.inventory
        switch collection {
        case "vms": return try inventory.vms.first { $0.id == id }.map { try representer.vm($0, follow: follow) }
        case "hosts": return try inventory.host(id).map { try representer.host($0, follow: follow) }
        case "clusters": return try inventory.cluster(id).map { try representer.cluster($0, follow: follow) }
        case "datacenters": return try inventory.dataCenter(id).map { try representer.dataCenter($0, follow: follow) }
        case "templates": return try inventory.template(id).map { try representer.template($0, follow: follow) }
        case "storagedomains":
            return try inventory.storageDomain(id).map { try representer.storageDomain($0, follow: follow) }
        case "networks": return try inventory.network(id).map { try representer.network($0, follow: follow) }
        case "vnicprofiles":
            return try inventory.vnicProfiles.first { $0.id == id }.map { try representer.vnicProfile($0, follow: follow) }
        case "disks": return try inventory.disk(id).map { try representer.disk($0, follow: follow) }
        case "jobs": return inventory.jobs.first { $0.id == id }.map { representer.job($0) }
        case "events": return inventory.events.first { String($0.index) == id }.map { representer.event($0) }
        default: return nil
        }
    }

    private struct SubCollection {
        var name: String
        var item: String
        var ids: [String]
        var items: [OvirtNode]
    }

    private func subCollection(
        _ collection: String,
        id: String,
        sub: String,
        representer: Representer,
        follow: FollowTree
    ) throws -> SubCollection? {
        let inventory = representer.inventory
        switch (collection, sub) {
        case ("vms", "nics"):
            guard let vm = inventory.vms.first(where: { $0.id == id }) else { return nil }
            return SubCollection(
                name: "nics", item: "nic", ids: vm.nics.map(\.id),
                items: try vm.nics.map { try representer.nic($0, vm: vm, follow: follow) }
            )
        case ("vms", "diskattachments"):
            guard let vm = inventory.vms.first(where: { $0.id == id }) else { return nil }
            return SubCollection(
                name: "disk_attachments", item: "disk_attachment", ids: vm.diskAttachments.map(\.diskID),
                items: try vm.diskAttachments.map {
                    try representer.diskAttachment($0, ownerKind: "vms", ownerID: vm.id, follow: follow)
                }
            )
        case ("vms", "reporteddevices"):
            guard let vm = inventory.vms.first(where: { $0.id == id }) else { return nil }
            return SubCollection(
                name: "reported_devices", item: "reported_device", ids: vm.reportedDevices.map(\.id),
                items: try vm.reportedDevices.map { try representer.reportedDevice($0, vm: vm, follow: follow) }
            )
        case ("templates", "diskattachments"):
            guard let template = inventory.template(id) else { return nil }
            return SubCollection(
                name: "disk_attachments", item: "disk_attachment", ids: template.diskIDs,
                items: try template.diskIDs.map {
                    try representer.diskAttachment(
                        SimDiskAttachment(diskID: $0, bootable: true, interface: "virtio_scsi"),
                        ownerKind: "templates",
                        ownerID: template.id,
                        follow: follow
                    )
                }
            )
        case ("hosts", "nics"):
            guard let host = inventory.host(id) else { return nil }
            let nics = representer.hostNics(host)
            return SubCollection(
                name: "host_nics", item: "host_nic", ids: nics.map(\.id),
                items: try nics.map { try representer.hostNic($0, host: host, follow: follow) }
            )
        case ("hosts", "networkattachments"):
            guard let host = inventory.host(id) else { return nil }
            return SubCollection(
                name: "network_attachments", item: "network_attachment", ids: host.networkAttachments.map(\.id),
                items: try host.networkAttachments.map { try representer.networkAttachment($0, host: host, follow: follow) }
            )
        case ("jobs", "steps"):
            guard inventory.jobs.contains(where: { $0.id == id }) else { return nil }
            return SubCollection(name: "steps", item: "step", ids: [], items: [])
        case ("clusters", "networks"):
            guard let cluster = inventory.cluster(id) else { return nil }
            let networks = representer.clusterNetworks(cluster)
            return SubCollection(
                name: "networks", item: "network", ids: networks.map(\.id),
                items: try networks.map { try representer.network($0, follow: follow, clusterID: cluster.id) }
            )
        case ("networks", "vnicprofiles"):
            guard inventory.network(id) != nil else { return nil }
            let profiles = inventory.vnicProfiles.filter { $0.networkID == id }
            return SubCollection(
                name: "vnic_profiles", item: "vnic_profile", ids: profiles.map(\.id),
                items: try profiles.map { try representer.vnicProfile($0, follow: follow) }
            )
        case ("datacenters", "clusters"):
            guard inventory.dataCenter(id) != nil else { return nil }
            let clusters = representer.clusters(in: id)
            return SubCollection(
                name: "clusters", item: "cluster", ids: clusters.map(\.id),
                items: try clusters.map { try representer.cluster($0, follow: follow) }
            )
        case ("datacenters", "networks"):
            guard inventory.dataCenter(id) != nil else { return nil }
            let networks = inventory.networks.filter { $0.dataCenterID == id }
            return SubCollection(
                name: "networks", item: "network", ids: networks.map(\.id),
                items: try networks.map { try representer.network($0, follow: follow) }
            )
        case ("datacenters", "storagedomains"):
            guard inventory.dataCenter(id) != nil else { return nil }
            let domains = inventory.storageDomains.filter { $0.dataCenterID == id }
            return SubCollection(
                name: "storage_domains", item: "storage_domain", ids: domains.map(\.id),
                items: try domains.map { try representer.storageDomain($0, follow: follow) }
            )
        default:
            return nil
        }
    }

    /// Search, sort, page, limit, then render only what is returned.
    private func list<Item>(
        _ name: String,
        item: String,
        _ items: [Item],
        listing: ListOptions,
        search: [String: (Item) -> [String]],
        name itemName: @escaping (Item) -> String,
        render: (Item) throws -> OvirtNode
    ) throws -> OvirtDocument {
        let limited = try select(items, listing: listing, search: search, name: itemName)
        return .collection(name: name, item: item, try limited.map(render))
    }

    /// The items a listing returns: searched, sorted, paged and limited.
    ///
    /// Works on positions and copies only the items returned: a VM is a
    /// large value, and sorting thousands of them by value dominated the
    /// cost of a listing.
    func select<Item>(
        _ items: [Item],
        listing: ListOptions,
        search: [String: (Item) -> [String]],
        name itemName: @escaping (Item) -> String
    ) throws -> [Item] {
        var positions = Array(items.indices)
        var descending = false
        var sortKey: (Item) -> String = { itemName($0).lowercased() }
        var page: Int?
        if let text = listing.search, !text.trimmingCharacters(in: " ").isEmpty {
            let query = try SearchQuery.parse(text)
            for field in query.fields where search[field] == nil {
                throw SearchSyntaxError("unknown field '\(field)'")
            }
            positions = items.withUnsafeBufferPointer { buffer in
                positions.filter { position in
                    query.matches(caseSensitive: listing.caseSensitive) { field in search[field]?(buffer[position]) ?? [] }
                }
            }
            if let field = query.sortField, let values = search[field] {
                sortKey = { (values($0).first ?? "").lowercased() }
            }
            descending = query.descending
            page = query.page
        }
        // Borrowed from the buffer: passing `items[i]` to a closure copied every VM.
        let keys = items.withUnsafeBufferPointer { buffer in positions.map { sortKey(buffer[$0]) } }
        let order = keys.indices.sorted { descending ? keys[$0] > keys[$1] : keys[$0] < keys[$1] }
        var window = order[...]
        if let page {
            let size = listing.max ?? 100
            window = window.dropFirst((page - 1) * size)
        }
        return (listing.max.map { window.prefix($0) } ?? window).map { items[positions[$0]] }
    }
}
