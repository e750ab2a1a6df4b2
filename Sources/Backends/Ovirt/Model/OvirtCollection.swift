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
