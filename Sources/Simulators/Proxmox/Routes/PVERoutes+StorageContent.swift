/// `GET /nodes/{node}/storage/{storage}/content` (`PVE::API2::Storage::Content`,
/// `volume_list`): the volumes a storage holds as seen from a node, sorted
/// by volume id (case-insensitively). A VM's disks, cloud-init drive and
/// saved state are listed while they exist, so a destroyed VM's disks leave
/// the listing with the `qmdestroy` task.
extension PVERoutes {
    /// Every content type `volume_list` knows, in its order.
    private static let contentTypes = ["rootdir", "images", "vztmpl", "iso", "backup", "snippets", "import"]

    /// `pve-storage-content` (`verify_content`).
    private static let contentType: FormatCheck = { value, _ in
        contentTypes.contains(value) ? nil : "invalid content type '\(value)'\n"
    }

    var storageContentRoutes: [APIRoute] {
        [
            APIRoute(
                "GET", "nodes/{node}/storage/{storage}/content",
                schema: [
                    "node": .node(), "storage": .storage(optional: false), "content": .string(format: Self.contentType),
                    "vmid": .vmid(optional: true),
                ],
                proxyToNode: true
            ) { call throws(PVEError) in
                try storageContent(call)
            }
        ]
    }

    private func storageContent(_ call: APICall) throws(PVEError) -> APIResult {
        let model = state.snapshot().model
        let storeID = call.required("storage")
        guard let storage = model.storage(storeID) else { throw .runtime("storage '\(storeID)' does not exist") }
        let wanted = call.params.string("content").map { [$0] } ?? Self.contentTypes
        let types = wanted.filter { storage.content.contains($0) }
        let vmid = call.params.int("vmid")
        var entries: [(volid: String, fields: [String: PVEJSON])] = []
        let stored = model.volumes[model.location(storage: storage, node: call.node)] ?? [:]
        for (name, size) in stored {
            let volid = "\(storage.id):\(name)"
            if name.hasPrefix("iso/") {
                guard types.contains("iso"), vmid == nil else { continue }
                entries.append((volid, [
                    "volid": .string(volid), "format": .string("iso"), "size": .int(size), "content": .string("iso"),
                ]))
                continue
            }
            guard types.contains("images"), let owner = ClusterModel.owner(of: name) else { continue }
            if let vmid, owner != vmid { continue }
            var fields: [String: PVEJSON] = [
                "volid": .string(volid), "format": .string("raw"), "size": .int(size), "vmid": .int(owner),
                "content": .string("images"),
            ]
            if storage.type == "rbd" {
                let parts = name.split(separator: "/").map(String.init)
                fields["name"] = .string(parts.last ?? name)
                if parts.count == 2 { fields["parent"] = .string("\(parts[0])@__base__") }
            }
            entries.append((volid, fields))
        }
        entries.sort { $0.volid.lowercased() < $1.volid.lowercased() }
        return APIResult(.array(entries.map { .object($0.fields) }))
    }
}
