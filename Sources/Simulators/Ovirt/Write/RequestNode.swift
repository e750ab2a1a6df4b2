import Foundation

/// A request body, XML or JSON, read into one tree so that write handlers
/// never care which representation the client sent.
///
/// XML maps directly (`id`/`href` attributes, child elements, text). JSON is
/// mapped the way the engine's Jackson reader sees it: object keys are child
/// elements, an array repeats the element (`"usages": {"usage": ["vm"]}`),
/// `id`/`href` keys become attributes and numbers/booleans become text.
struct RequestNode: Sendable {
    var name: String
    var attributes: [String: String] = [:]
    var text: String = ""
    var children: [RequestNode] = []

    init(name: String, attributes: [String: String] = [:], text: String = "", children: [RequestNode] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// The first child named `name`; a dotted path descends (`cpu.topology.cores`).
    func child(_ path: String) -> RequestNode? {
        var node = self
        for part in path.split(separator: ".") {
            guard let next = node.children.first(where: { $0.name == part }) else { return nil }
            node = next
        }
        return node
    }

    /// The items of a list wrapper: `items("disk_attachments", "disk_attachment")`.
    func items(_ wrapper: String, _ item: String) -> [RequestNode] {
        child(wrapper)?.children.filter { $0.name == item } ?? []
    }

    /// The trimmed text of the element at `path`; nil when it is absent.
    func string(_ path: String) -> String? {
        child(path).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    func int(_ path: String) -> Int? { string(path).flatMap { Int($0) } }
    func int64(_ path: String) -> Int64? { string(path).flatMap { Int64($0) } }

    func bool(_ path: String) -> Bool? {
        switch string(path)?.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// The `id` attribute, or an `<id>` child (JSON writes it as a key).
    var id: String? {
        attributes["id"] ?? children.first(where: { $0.name == "id" })?.text
    }

    /// A reference's `name` child.
    var referenceName: String? { string("name") }
}

/// Why a request body could not be read.
struct RequestBodyError: Error {
    var message: String
}

extension RequestNode {
    /// Parses `data` as XML or JSON (by content type, else by first character).
    ///
    /// - Parameters:
    ///   - root: the element name a JSON body stands for (`vm`, `action`, …).
    static func parse(_ data: [UInt8], contentType: String?, root: String) throws -> RequestNode {
        let type = contentType?.lowercased() ?? ""
        let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if type.contains("json") || (!type.contains("xml") && first == UInt8(ascii: "{")) {
            return try parseJSON(data, root: root)
        }
        if first == nil { return RequestNode(name: root) }
        var reader = XMLReader(bytes: data)
        return try reader.readDocument()
    }

    static func parseJSON(_ data: [UInt8], root: String) throws -> RequestNode {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return RequestNode(name: root)
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(data), options: [.fragmentsAllowed])
        } catch {
            throw RequestBodyError(message: "malformed JSON")
        }
        return node(named: root, from: object)
    }

    private static func node(named name: String, from value: Any) -> RequestNode {
        var node = RequestNode(name: name)
        switch value {
        case let dictionary as [String: Any]:
            for key in dictionary.keys.sorted() {
                let child = dictionary[key]!
                if (key == "id" || key == "href"), let text = scalarText(child) {
                    node.attributes[key] = text
                    continue
                }
                if let array = child as? [Any] {
                    node.children.append(contentsOf: array.map { Self.node(named: key, from: $0) })
                } else {
                    node.children.append(Self.node(named: key, from: child))
                }
            }
        default:
            node.text = scalarText(value) ?? ""
        }
        return node
    }

    private static func scalarText(_ value: Any) -> String? {
        switch value {
        case let string as String: return string
        case let number as NSNumber:
            // Booleans arrive as NSNumber too; only their type name tells them apart.
            if String(describing: type(of: number)).contains("Boolean") { return number.boolValue ? "true" : "false" }
            return number.stringValue
        case is NSNull: return ""
        default: return nil
        }
    }
}

/// A small XML reader for request bodies: elements, attributes, text, CDATA,
/// comments, processing instructions and the predefined and numeric entities.
/// No DTDs or namespaces, which the SDK never sends.
private struct XMLReader {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func readDocument() throws -> RequestNode {
        try skipMisc()
        guard peek() == UInt8(ascii: "<") else { throw RequestBodyError(message: "malformed XML: no root element") }
        let root = try readElement()
        try skipMisc()
        guard index >= bytes.count else { throw RequestBodyError(message: "malformed XML: content after the root element") }
        return root
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private func starts(with text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard index + utf8.count <= bytes.count else { return false }
        return Array(bytes[index..<index + utf8.count]) == utf8
    }

    private mutating func skip(past text: String) throws {
        let utf8 = Array(text.utf8)
        while index + utf8.count <= bytes.count {
            if Array(bytes[index..<index + utf8.count]) == utf8 {
                index += utf8.count
                return
            }
            index += 1
        }
        throw RequestBodyError(message: "malformed XML: unterminated '\(text)'")
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    /// Whitespace, comments, processing instructions and a DOCTYPE.
    private mutating func skipMisc() throws {
        while true {
            skipWhitespace()
            if starts(with: "<?") {
                try skip(past: "?>")
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<!DOCTYPE") {
                try skip(past: ">")
            } else {
                return
            }
        }
    }

    private mutating func readName() throws -> String {
        let start = index
        while let byte = peek(),
            !(byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "="))
        {
            index += 1
        }
        guard index > start else { throw RequestBodyError(message: "malformed XML: expected a name") }
        let name = String(decoding: bytes[start..<index], as: UTF8.self)
        // Namespace prefixes are dropped: `<ns:vm>` reads as `vm`.
        return name.split(separator: ":").last.map(String.init) ?? name
    }

    private mutating func readElement() throws -> RequestNode {
        index += 1  // <
        var node = RequestNode(name: try readName())
        while true {
            skipWhitespace()
            guard let byte = peek() else { throw RequestBodyError(message: "malformed XML: unterminated tag") }
            if byte == UInt8(ascii: "/") {
                guard peek(1) == UInt8(ascii: ">") else { throw RequestBodyError(message: "malformed XML: bad '/'") }
                index += 2
                return node
            }
            if byte == UInt8(ascii: ">") {
                index += 1
                break
            }
            let name = try readName()
            skipWhitespace()
            guard peek() == UInt8(ascii: "=") else { throw RequestBodyError(message: "malformed XML: attribute without value") }
            index += 1
            skipWhitespace()
            guard let quote = peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw RequestBodyError(message: "malformed XML: unquoted attribute")
            }
            index += 1
            let start = index
            while let next = peek(), next != quote { index += 1 }
            guard peek() == quote else { throw RequestBodyError(message: "malformed XML: unterminated attribute") }
            node.attributes[name] = Self.decodeEntities(bytes[start..<index])
            index += 1
        }
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else { throw RequestBodyError(message: "malformed XML: unterminated element '\(node.name)'") }
            if byte != UInt8(ascii: "<") {
                text.append(byte)
                index += 1
                continue
            }
            if starts(with: "</") {
                index += 2
                let name = try readName()
                guard name == node.name else { throw RequestBodyError(message: "malformed XML: mismatched '\(name)'") }
                skipWhitespace()
                guard peek() == UInt8(ascii: ">") else { throw RequestBodyError(message: "malformed XML: bad end tag") }
                index += 1
                node.text = Self.decodeEntities(text[...])
                return node
            }
            if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>")
                // CDATA is literal: escape '&' so decoding leaves it as is.
                for byte in bytes[start..<index - 3] {
                    if byte == UInt8(ascii: "&") { text.append(contentsOf: Array("&amp;".utf8)) } else { text.append(byte) }
                }
            } else if starts(with: "<?") {
                try skip(past: "?>")
            } else {
                node.children.append(try readElement())
            }
        }
    }

    private static func decodeEntities(_ raw: ArraySlice<UInt8>) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard text.contains("&") else { return text }
        var result = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else {
                result += rest[amp...]
                return result
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "lt": result += "<"
            case "gt": result += ">"
            case "amp": result += "&"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                var scalar: Unicode.Scalar?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                }
                if let scalar {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += rest[amp...semicolon]
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        result += rest
        return result
    }
}
