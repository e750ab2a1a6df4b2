/// An integer as the engine writes it: a JSON number (`1073741824`) or a string (`"4"`).
///
/// The engine's JSON is produced by Jackson from JAXB classes whose `int`/`long`/`boolean`
/// bindings come out as strings for most fields, while some longs (memory, dates) are numbers.
/// Every integer the backend reads goes through this type so both spellings are accepted.
struct OvirtInt: Decodable, Sendable, Hashable {
    var value: Int64

    init(_ value: Int64) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let number = try? container.decode(Double.self), number.isFinite,
                  number.rounded() == number, abs(number) < 9.2e18 {
            value = Int64(number)
        } else if let text = try? container.decode(String.self),
                  let number = Int64(text.trimmingWhitespace()) {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an integer (number or numeric string)")
        }
    }

    var int: Int { Int(clamping: value) }
}

/// A boolean as the engine writes it: `true`/`false` or the strings `"true"`/`"false"`.
struct OvirtBool: Decodable, Sendable, Hashable {
    var value: Bool

    init(_ value: Bool) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            value = flag
        } else if let text = try? container.decode(String.self) {
            switch text.trimmingWhitespace().lowercased() {
            case "true", "1": value = true
            case "false", "0": value = false
            default:
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected a boolean, found '\(text.prefix(20))'")
            }
        } else if let number = try? container.decode(Int64.self) {
            value = number != 0
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a boolean")
        }
    }
}

/// An element type of an engine collection, which the JSON keys by its singular name.
protocol OvirtCollectionElement: Decodable, Sendable {
    /// The key of the array in a collection document: `vm` in `{"vm": [...]}`.
    static var collectionKey: String { get }
}

/// A collection document (`{"vm": [...]}`) or a nested list (`"ips": {"ip": [...]}`).
///
/// The engine omits null fields, so an empty collection is `{}`: a missing key is an empty list.
/// A bare array is accepted as well, for robustness.
struct OvirtCollection<Element: OvirtCollectionElement>: Decodable, Sendable {
    var items: [Element]

    init(_ items: [Element]) { self.items = items }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: Key.self) {
            let key = Key(stringValue: Element.collectionKey)
            items = try container.decodeIfPresent([Element].self, forKey: key) ?? []
        } else {
            items = try decoder.singleValueContainer().decode([Element].self)
        }
    }
}

/// A link to another object: `{"href": "/ovirt-engine/api/clusters/123", "id": "123"}`.
/// With `follow=` the engine inlines the whole object, so a name may be present too.
struct OvirtReference: Decodable, Sendable, Hashable {
    var id: String?
    var href: String?
    var name: String?
}

/// A version as the engine writes it (`product_info.version`, `cluster.version`).
struct OvirtVersion: Decodable, Sendable, Hashable {
    var major: OvirtInt?
    var minor: OvirtInt?
    var build: OvirtInt?
    var revision: OvirtInt?
    var fullVersion: String?

    enum CodingKeys: String, CodingKey {
        case major, minor, build, revision
        case fullVersion = "full_version"
    }

    /// `major.minor`, when both are present.
    var majorMinor: String? {
        guard let major, let minor else { return nil }
        return "\(major.value).\(minor.value)"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
