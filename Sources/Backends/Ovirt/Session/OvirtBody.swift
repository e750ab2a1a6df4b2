/// A JSON request body for the engine, built in code and serialized with keys in the order given.
///
/// The engine reads JSON with the same shape it writes: objects without a root wrapper, nested
/// lists keeping their XML wrapper (`"usages": {"usage": ["vm"]}`,
/// `"storage_domains": {"storage_domain": [{"id": "…"}]}`).
indirect enum OvirtBody: Sendable, Hashable {
    case object([Member])
    case array([OvirtBody])
    case string(String)
    case int(Int64)
    case bool(Bool)

    struct Member: Sendable, Hashable {
        var key: String
        var value: OvirtBody
    }

    /// An object from `key: value` pairs; nil values are left out.
    static func object(_ pairs: KeyValuePairs<String, OvirtBody?>) -> OvirtBody {
        .object(pairs.compactMap { pair in pair.value.map { Member(key: pair.key, value: $0) } })
    }

    /// A reference by id: `{"id": "…"}`.
    static func id(_ id: String) -> OvirtBody { .object(["id": .string(id)]) }

    /// A nested list with its wrapper: `{"storage_domain": [ … ]}`.
    static func list(_ element: String, _ items: [OvirtBody]) -> OvirtBody {
        .object([element: .array(items)])
    }

    static func int(_ value: Int) -> OvirtBody { .int(Int64(value)) }

    /// The body as UTF-8 JSON.
    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let text):
            Self.writeString(text, to: &out)
        case .int(let value):
            out.append(contentsOf: Array(String(value).utf8))
        case .bool(let value):
            out.append(contentsOf: Array((value ? "true" : "false").utf8))
        }
    }

    private static func writeString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: Array("\\\"".utf8))
            case UInt8(ascii: "\\"): out.append(contentsOf: Array("\\\\".utf8))
            case 0x0A: out.append(contentsOf: Array("\\n".utf8))
            case 0x0D: out.append(contentsOf: Array("\\r".utf8))
            case 0x09: out.append(contentsOf: Array("\\t".utf8))
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
