import Foundation

/// What a listing asks the live model for: filters (combined with AND), and a page.
public struct InventoryQuery: Sendable, Hashable {
    /// Only these engines; nil for all.
    public var engines: Set<String>?
    /// Case-insensitive substring of the name.
    public var nameContains: String?
    /// Exact values of indexed fields (``IndexedField/name``, `.cluster`, `.host`, `.status`, `.ip`);
    /// case-insensitive except for addresses, which are compared as written lowercased.
    public var exact: [IndexedField: String] = [:]
    /// Most items in the answer; nil for all.
    public var limit: Int?
    /// Continue after this item (from a previous answer's `next_cursor`).
    public var after: PageCursor?

    public init(engines: Set<String>? = nil, nameContains: String? = nil, exact: [IndexedField: String] = [:],
                limit: Int? = nil, after: PageCursor? = nil) {
        self.engines = engines
        self.nameContains = nameContains
        self.exact = exact
        self.limit = limit
        self.after = after
    }
}

/// Where a page ended: the last item's engine, name and id. Keyset paging, so items added or
/// removed between pages neither repeat nor skip the others.
public struct PageCursor: Sendable, Hashable, Codable {
    public var engine: String
    public var name: String
    public var id: String

    enum CodingKeys: String, CodingKey {
        case engine = "e", name = "n", id = "i"
    }

    public init(engine: String, name: String, id: String) {
        self.engine = engine
        self.name = name
        self.id = id
    }

    /// The opaque text form (base64url of a small JSON object).
    public var token: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(self)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token made by ``token``; nil when it is not one.
    public init?(token: String) {
        guard token.count <= 4096 else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
              let cursor = try? JSONDecoder().decode(PageCursor.self, from: data) else { return nil }
        self = cursor
    }
}

extension RecordTable {
    /// The items matching `query`'s filters, in listing order, after `after` when given.
    func matching(_ query: InventoryQuery, after: (name: String, id: String)?) -> ArraySlice<Record> {
        let needle = query.nameContains.map { Array($0.lowercased().utf8) }
        let sets = query.exact.map { field, value in ids(field, value.lowercased()) }
        if sets.contains(where: \.isEmpty) { return [] }
        let start = after.map { position(name: $0.name, id: $0.id) } ?? 0
        func keep(_ record: Record) -> Bool {
            if let after, !Record.precedes((name: after.name, id: after.id), record) { return false }
            for set in sets where !set.contains(record.item.id) { return false }
            if let needle, !record.nameContains(needle) { return false }
            return true
        }
        if let smallest = sets.min(by: { $0.count < $1.count }), smallest.count * 4 < count {
            let found = smallest.compactMap { record(id: $0) }.filter(keep).sorted(by: Record.precedes)
            return found[...]
        }
        if sets.isEmpty && needle == nil {
            var slice = ordered[start...]
            if let after, let first = slice.first, first.item.name == after.name, first.item.id == after.id {
                slice = slice.dropFirst()
            }
            return slice
        }
        if let needle {
            // The name index narrows the scan to the names that hold the substring.
            return nameSearch.positions(containing: needle, in: ordered).lazy
                .filter { $0 >= start }.map { ordered[$0] }.filter(keep)[...]
        }
        return ordered[start...].filter(keep)[...]
    }
}

extension StoredRecord {
    /// True when (`key.name`, `key.id`) comes before `record` in listing order.
    static func precedes(_ key: (name: String, id: String), _ record: StoredRecord) -> Bool {
        key.name != record.item.name ? key.name < record.item.name : key.id < record.item.id
    }
}
