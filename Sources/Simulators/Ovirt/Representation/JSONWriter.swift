/// Writes ``OvirtDocument``s the way the engine's Jackson provider does:
/// no root wrapper for a single object, a collection keyed by the singular
/// item name, `{}` for an empty collection, list wrappers kept
/// (`"actions": {"link": […]}`), null fields omitted, 32-bit integers and
/// booleans as strings, longs and dates as numbers, and Jackson's
/// `INDENT_OUTPUT` layout (two spaces, `"key" : value`).
struct JSONWriter {
    private var out = ""

    static func render(_ document: OvirtDocument) -> String {
        var writer = JSONWriter()
        writer.out.reserveCapacity(4096)
        switch document {
        case .object(let node):
            writer.writeValue(node, depth: 0)
        case .collection(_, let item, let items):
            writer.out.reserveCapacity(items.count * 5000)
            if items.isEmpty {
                writer.out += "{ }"
            } else {
                writer.out += "{\n  \"\(item)\" : "
                writer.writeArray(items, depth: 1)
                writer.out += "\n}"
            }
        }
        return writer.out
    }

    /// One value as it appears at `depth`: 0 for a single object, 1 for a
    /// collection item. ``collectionPrefix(item:)``, the items joined by
    /// ``itemSeparator`` and ``collectionSuffix`` make the same document as
    /// ``render(_:)``.
    static func renderValue(_ node: OvirtNode, depth: Int) -> String {
        var writer = JSONWriter()
        writer.out.reserveCapacity(12_288)
        writer.writeValue(node, depth: depth)
        return writer.out
    }

    static func collectionPrefix(item: String) -> String { "{\n  \"\(item)\" : [ " }
    static let itemSeparator = ", "
    static let collectionSuffix = " ]\n}"
    static let emptyCollection = "{ }"

    private mutating func indent(_ depth: Int) {
        for _ in 0..<depth { out += "  " }
    }

    /// Writes the value of `node` (without its key).
    private mutating func writeValue(_ node: OvirtNode, depth: Int) {
        switch node.content {
        case .scalar(let value):
            appendScalar(value)
        case .list(let item, let items):
            if items.isEmpty {
                out += "{ }"
                return
            }
            out += "{\n"
            indent(depth + 1)
            out += "\"\(item)\" : "
            writeArray(items, depth: depth + 1)
            out += "\n"
            indent(depth)
            out += "}"
        case .object(let object):
            writeObject(object, depth: depth)
        }
    }

    private mutating func writeArray(_ items: [OvirtNode], depth: Int) {
        out += "[ "
        for (index, item) in items.enumerated() {
            if index > 0 { out += ", " }
            writeValue(item, depth: depth)
        }
        out += " ]"
    }

    private mutating func key(_ name: String, depth: Int, first: inout Bool) {
        if first {
            out += "\n"
            first = false
        } else {
            out += ",\n"
        }
        indent(depth)
        out += "\""
        out += name
        out += "\" : "
    }

    private mutating func writeObject(_ object: OvirtObject, depth: Int) {
        out += "{"
        var first = true
        for field in object.fields {
            key(field.name, depth: depth + 1, first: &first)
            writeValue(field, depth: depth + 1)
        }
        if !object.actions.isEmpty, let href = object.href {
            key("actions", depth: depth + 1, first: &first)
            out += "{\n"
            indent(depth + 2)
            out += "\"link\" : [ "
            for (index, action) in object.actions.enumerated() {
                if index > 0 { out += ", " }
                writeLink(OvirtLink(rel: action, href: "\(href)/\(action)"), depth: depth + 2)
            }
            out += " ]\n"
            indent(depth + 1)
            out += "}"
        }
        if let name = object.name {
            key("name", depth: depth + 1, first: &first)
            appendScalar(.string(name))
        }
        if let description = object.description {
            key("description", depth: depth + 1, first: &first)
            appendScalar(.string(description))
        }
        if let comment = object.comment {
            key("comment", depth: depth + 1, first: &first)
            appendScalar(.string(comment))
        }
        if let href = object.href {
            key("href", depth: depth + 1, first: &first)
            appendScalar(.string(href))
        }
        if let id = object.id {
            key("id", depth: depth + 1, first: &first)
            appendScalar(.string(id))
        }
        if !object.links.isEmpty {
            key("link", depth: depth + 1, first: &first)
            out += "[ "
            for (index, link) in object.links.enumerated() {
                if index > 0 { out += ", " }
                writeLink(link, depth: depth + 1)
            }
            out += " ]"
        }
        if first {
            out += " }"
        } else {
            out += "\n"
            indent(depth)
            out += "}"
        }
    }

    private mutating func writeLink(_ link: OvirtLink, depth: Int) {
        out += "{\n"
        indent(depth + 1)
        out += "\"href\" : "
        appendScalar(.string(link.href))
        out += ",\n"
        indent(depth + 1)
        out += "\"rel\" : "
        appendScalar(.string(link.rel))
        out += "\n"
        indent(depth)
        out += "}"
    }

    private mutating func appendScalar(_ value: OvirtScalar) {
        switch value {
        case .string(let text), .enumeration(let text):
            Self.quote(text, into: &out)
        case .int(let number):
            out += "\"\(number)\""
        case .bool(let flag):
            out += flag ? "\"true\"" : "\"false\""
        case .long(let number):
            out += String(number)
        case .decimal(let number):
            out += String(number)
        case .date(let millis):
            out += String(millis)
        }
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            plain = false
            break
        }
        if plain {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out += "\""
    }
}
