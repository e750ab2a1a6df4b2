/// `GET /vms` and `GET /vms/{id}` through the engine's ``VMRenderCache``,
/// when the `follow` tree stays inside the VM (the aggregator lists with
/// `follow=reported_devices`). Other requests take the general path.
extension OvirtAPIController {
    func renderVMs(_ path: APIPath, query: QueryParameters, inventory: EngineInventory, format: OvirtFormat) throws -> RenderedDocument? {
        let segments = path.segments
        guard let first = segments.first, first.name == "vms", segments.count <= 2 else { return nil }
        let follow = FollowTree(parsing: query["follow"] ?? "")
        guard VMRenderCache.isCacheable(follow) else { return nil }
        let representer = Representer(inventory)
        if segments.count == 2 {
            guard let vm = inventory.vm(segments[1].name) else { return nil }
            let text = try render([vm], depth: 0, follow: follow, format: format, representer: representer)[0]
            return .object(text)
        }
        let listing = ListOptions(query: query, matrix: first.matrix)
        let selected = try select(inventory.vms, listing: listing, search: SearchFields.vm(inventory), name: \.name)
        let texts = try render(selected, depth: 1, follow: follow, format: format, representer: representer)
        return .collection(name: "vms", item: "vm", texts)
    }

    private func render(
        _ vms: [SimVM],
        depth: Int,
        follow: FollowTree,
        format: OvirtFormat,
        representer: Representer
    ) throws -> [String] {
        let variant = VMRenderCache.Variant(json: format == .json, follow: follow, depth: depth)
        return try state.renderCache.texts(for: vms, variant: variant) { vm in
            let node = try representer.vm(vm, follow: follow)
            switch format {
            case .json: return JSONWriter.renderValue(node, depth: depth)
            case .xml: return XMLWriter.renderElement(node, depth: depth)
            }
        }
    }
}

/// A document whose objects are already written in the answer's format.
enum RenderedDocument: Sendable {
    /// A single object at depth 0.
    case object(String)
    /// A collection of items at depth 1.
    case collection(name: String, item: String, [String])
}
