/// What a property read or a property filter asks for: per managed object type, the property
/// paths; and where the objects come from (one object, or everything a container view shows).
struct PropertyFilter: Sendable, Hashable {
    /// Type → property paths, in a stable order.
    var properties: [(type: String, paths: [String])]
    var source: Source

    enum Source: Sendable, Hashable {
        /// The objects a `ContainerView` shows (`view`), not the view itself.
        case view(ManagedObjectReference)
        /// These objects themselves.
        case objects([ManagedObjectReference])
    }

    static func == (lhs: PropertyFilter, rhs: PropertyFilter) -> Bool {
        lhs.source == rhs.source && lhs.properties.map(\.type) == rhs.properties.map(\.type)
            && lhs.properties.map(\.paths) == rhs.properties.map(\.paths)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        for entry in properties {
            hasher.combine(entry.type)
            hasher.combine(entry.paths)
        }
    }

    /// The `PropertyFilterSpec` element named `name` (`specSet` for a read, `spec` for `CreateFilter`).
    func spec(named name: String) -> SOAPNode {
        var children = properties.map { entry in
            SOAPNode("propSet", [SOAPNode("type", text: entry.type)] + entry.paths.map { SOAPNode("pathSet", text: $0) })
        }
        switch source {
        case .view(let view):
            children.append(SOAPNode("objectSet", [
                SOAPNode(reference: "obj", view),
                SOAPNode("skip", text: "true"),
                SOAPNode("selectSet", type: "TraversalSpec", [
                    SOAPNode("name", text: "view"),
                    SOAPNode("type", text: "ContainerView"),
                    SOAPNode("path", text: "view"),
                    SOAPNode("skip", text: "false"),
                ]),
            ]))
        case .objects(let objects):
            for object in objects {
                children.append(SOAPNode("objectSet", [SOAPNode(reference: "obj", object), SOAPNode("skip", text: "false")]))
            }
        }
        return SOAPNode(name, children)
    }
}
