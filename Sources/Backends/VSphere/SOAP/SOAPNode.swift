/// One element of a vim25 request body, written as XML by ``SOAPEnvelope``.
///
/// ```swift
/// SOAPNode("specSet", [
///     SOAPNode("propSet", [SOAPNode("type", text: "VirtualMachine"), SOAPNode("pathSet", text: "name")]),
///     SOAPNode("objectSet", [SOAPNode(reference: "obj", view), SOAPNode("skip", text: "true")]),
/// ])
/// ```
struct SOAPNode: Sendable, Hashable {
    var name: String
    /// The `xsi:type` a polymorphic member needs (`TraversalSpec`, `VirtualDeviceConfigSpec`).
    var schemaType: String?
    var attributes: [String: String]
    var text: String?
    var children: [SOAPNode]

    /// An element with children and, for a member of a base type, its concrete `xsi:type`.
    init(_ name: String, type schemaType: String? = nil, _ children: [SOAPNode] = []) {
        self.name = name
        self.schemaType = schemaType
        self.attributes = [:]
        self.text = nil
        self.children = children
    }

    /// An element with text (escaped when written).
    init(_ name: String, type schemaType: String? = nil, text: String) {
        self.init(name, type: schemaType)
        self.text = text
    }

    /// A managed object reference: `<name type="VirtualMachine">vm-42</name>`.
    init(reference name: String, _ reference: ManagedObjectReference) {
        self.init(name, text: reference.value)
        attributes["type"] = reference.type
    }

    /// Appends the element's XML to `out`.
    func write(into out: inout String) {
        out += "<\(name)"
        if let schemaType { out += " xsi:type=\"\(Self.escape(schemaType))\"" }
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            out += " \(key)=\"\(Self.escape(value))\""
        }
        if children.isEmpty, text == nil {
            out += "/>"
            return
        }
        out += ">"
        if let text { out += Self.escape(text) }
        for child in children { child.write(into: &out) }
        out += "</\(name)>"
    }

    /// `text` with the five XML special characters escaped (and other control characters dropped,
    /// as XML 1.0 cannot carry them).
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }
}
