/// A typed scalar as the engine's JAXB model holds it.
///
/// The type decides how the value is written: XML writes every scalar as
/// element text, while the engine's JSON writer (Jackson over JAXB adapters)
/// writes 32-bit integers and booleans as strings but longs and dates as numbers.
enum OvirtScalar: Sendable, Equatable {
    /// Free text.
    case string(String)
    /// An enum value, always lowercase on the wire.
    case enumeration(String)
    /// A 32-bit integer (`xs:int`): a JSON string.
    case int(Int)
    /// A 64-bit integer (`xs:long`, e.g. memory, sizes): a JSON number.
    case long(Int64)
    /// A boolean: a JSON string `"true"`/`"false"`.
    case bool(Bool)
    /// A decimal (e.g. `<speed>` of a CPU in MHz as a decimal): a JSON number.
    case decimal(Double)
    /// A date as epoch milliseconds: XML `xs:dateTime`, JSON number.
    case date(Int64)
}

/// A link rendered as `<link href="…" rel="…"/>`.
struct OvirtLink: Sendable, Equatable {
    var rel: String
    var href: String
}

/// One element of a response: the single internal representation from which
/// both the XML and the JSON documents are written.
///
/// - `scalar`: `<name>value</name>`
/// - `object`: `<name href id>…</name>`, JSON object
/// - `list`: a wrapper holding repeated items, `<ips><ip>…</ip></ips>`, JSON `"ips": {"ip": […]}`
struct OvirtNode: Sendable {
    enum Content: Sendable {
        case scalar(OvirtScalar)
        case object(OvirtObject)
        case list(item: String, [OvirtNode])
    }

    var name: String
    var content: Content

    init(_ name: String, _ content: Content) {
        self.name = name
        self.content = content
    }

    static func scalar(_ name: String, _ value: OvirtScalar) -> OvirtNode {
        OvirtNode(name, .scalar(value))
    }

    static func string(_ name: String, _ value: String) -> OvirtNode { .scalar(name, .string(value)) }
    static func enumeration(_ name: String, _ value: String) -> OvirtNode { .scalar(name, .enumeration(value)) }
    static func int(_ name: String, _ value: Int) -> OvirtNode { .scalar(name, .int(value)) }
    static func long(_ name: String, _ value: Int64) -> OvirtNode { .scalar(name, .long(value)) }
    static func bool(_ name: String, _ value: Bool) -> OvirtNode { .scalar(name, .bool(value)) }
    static func date(_ name: String, _ value: Int64) -> OvirtNode { .scalar(name, .date(value)) }

    /// A structured element without identity, e.g. `<cpu>…</cpu>`.
    static func group(_ name: String, _ fields: [OvirtNode]) -> OvirtNode {
        OvirtNode(name, .object(OvirtObject(fields: fields)))
    }

    /// A reference to an identified object: `<cluster href="…" id="…"/>`.
    static func reference(_ name: String, id: String, href: String?) -> OvirtNode {
        OvirtNode(name, .object(OvirtObject(id: id, href: href)))
    }

    static func list(_ name: String, item: String, _ items: [OvirtNode]) -> OvirtNode {
        OvirtNode(name, .list(item: item, items))
    }

    /// A list of scalars, e.g. `<usages><usage>vm</usage></usages>`.
    static func values(_ name: String, item: String, _ values: [OvirtScalar]) -> OvirtNode {
        OvirtNode(name, .list(item: item, values.map { .scalar(item, $0) }))
    }
}

/// The body of an object element.
///
/// The parts mirror the engine's JAXB classes: `BaseResource` contributes
/// actions, name, description, comment, href, id and links; the concrete type
/// contributes `fields`. XML writes base-class parts first, while the engine's
/// JSON writer puts the concrete fields first; both orders are reproduced.
struct OvirtObject: Sendable {
    var id: String?
    var href: String?
    /// Action names; each renders as `<link href="{href}/{rel}" rel="{rel}"/>` inside `<actions>`.
    var actions: [String] = []
    var name: String?
    var description: String?
    var comment: String?
    var links: [OvirtLink] = []
    var fields: [OvirtNode] = []

    init(
        id: String? = nil,
        href: String? = nil,
        actions: [String] = [],
        name: String? = nil,
        description: String? = nil,
        comment: String? = nil,
        links: [OvirtLink] = [],
        fields: [OvirtNode] = []
    ) {
        self.id = id
        self.href = href
        self.actions = actions
        self.name = name
        self.description = description
        self.comment = comment
        self.links = links
        self.fields = fields
    }

    /// Replaces the field named `name` (a reference, typically) with `node`, or appends it.
    mutating func setField(_ node: OvirtNode) {
        if let index = fields.firstIndex(where: { $0.name == node.name }) {
            fields[index] = node
        } else {
            fields.append(node)
        }
    }
}

/// A response document: a single object or a collection.
enum OvirtDocument: Sendable {
    /// A single object: `<vm …>` / `{…}` without a wrapper.
    case object(OvirtNode)
    /// A collection: `<vms><vm/>…</vms>` / `{"vm": […]}`, `{}` when empty.
    case collection(name: String, item: String, [OvirtNode])
}
