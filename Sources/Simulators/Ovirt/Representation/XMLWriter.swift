/// Writes ``OvirtDocument``s as the engine's XML: `id` and `href` are the only
/// attributes, everything else is a child element, indented like JAXB's
/// formatted output.
struct XMLWriter {
    private var out = ""

    static func render(_ document: OvirtDocument) -> String {
        var writer = XMLWriter()
        writer.out.reserveCapacity(4096)
        writer.out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        switch document {
        case .object(let node):
            writer.write(node, depth: 0)
        case .collection(let name, _, let items):
            writer.out.reserveCapacity(items.count * 5000)
            if items.isEmpty {
                writer.out += "<\(name)/>\n"
            } else {
                writer.out += "<\(name)>\n"
                for item in items { writer.write(item, depth: 1) }
                writer.out += "</\(name)>\n"
            }
        }
        return writer.out
    }

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    /// One element as it appears at `depth` (0 for a single object after the
    /// declaration, 1 for a collection item), ending with a newline.
    static func renderElement(_ node: OvirtNode, depth: Int) -> String {
        var writer = XMLWriter()
        writer.out.reserveCapacity(12_288)
        writer.write(node, depth: depth)
        return writer.out
    }

    private mutating func indent(_ depth: Int) {
        for _ in 0..<depth { out += "    " }
    }

    private mutating func write(_ node: OvirtNode, depth: Int) {
        indent(depth)
        switch node.content {
        case .scalar(let value):
            out += "<"
            out += node.name
            out += ">"
            appendScalar(value)
            out += "</"
            out += node.name
            out += ">\n"
        case .list(_, let items):
            if items.isEmpty {
                out += "<\(node.name)/>\n"
                return
            }
            out += "<\(node.name)>\n"
            for item in items { write(item, depth: depth + 1) }
            indent(depth)
            out += "</\(node.name)>\n"
        case .object(let object):
            out += "<"
            out += node.name
            if let href = object.href {
                out += " href=\""
                Self.escape(href, into: &out)
                out += "\""
            }
            if let id = object.id {
                out += " id=\""
                Self.escape(id, into: &out)
                out += "\""
            }
            let hasBody = !object.actions.isEmpty || object.name != nil || object.description != nil
                || object.comment != nil || !object.links.isEmpty || !object.fields.isEmpty
            guard hasBody else {
                out += "/>\n"
                return
            }
            out += ">\n"
            if !object.actions.isEmpty, let href = object.href {
                indent(depth + 1)
                out += "<actions>\n"
                for action in object.actions {
                    indent(depth + 2)
                    out += "<link href=\"\(href)/\(action)\" rel=\"\(action)\"/>\n"
                }
                indent(depth + 1)
                out += "</actions>\n"
            }
            if let name = object.name { write(.string("name", name), depth: depth + 1) }
            if let description = object.description { write(.string("description", description), depth: depth + 1) }
            if let comment = object.comment { write(.string("comment", comment), depth: depth + 1) }
            for link in object.links {
                indent(depth + 1)
                out += "<link href=\"\(link.href)\" rel=\"\(link.rel)\"/>\n"
            }
            for field in object.fields { write(field, depth: depth + 1) }
            indent(depth)
            out += "</"
            out += node.name
            out += ">\n"
        }
    }

    private mutating func appendScalar(_ value: OvirtScalar) {
        switch value {
        case .string(let text), .enumeration(let text):
            Self.escape(text, into: &out)
        case .int(let number):
            out += String(number)
        case .long(let number):
            out += String(number)
        case .bool(let flag):
            out += flag ? "true" : "false"
        case .decimal(let number):
            out += String(number)
        case .date(let millis):
            out += ISODate.format(millis)
        }
    }

    static func escape(_ text: String, into out: inout String) {
        var needsEscape = false
        for byte in text.utf8 where byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 {
            needsEscape = true
            break
        }
        guard needsEscape else {
            out += text
            return
        }
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(character)
            }
        }
    }
}

/// `xs:dateTime` rendering of epoch milliseconds, in UTC, as the engine writes
/// dates (`2024-09-03T12:00:00.123+00:00`), without Foundation.
enum ISODate {
    static func format(_ millis: Int64) -> String {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = Int(millis - seconds * 1000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 3))+00:00"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Howard Hinnant's days-to-civil algorithm.
    private static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
