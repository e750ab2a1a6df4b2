/// One engine's items of one kind, in listing order (name, then id), with an index per
/// ``IndexedField``. A value type: the model publishes copies, so readers never wait on writers.
public struct RecordTable<Item: InventoryRecord>: Sendable {
    public typealias Record = StoredRecord<Item>

    /// Every item, sorted by name then id.
    public private(set) var ordered: [Record] = []
    private var byID: [String: Record] = [:]
    private var indexes: [IndexedField: [String: Set<String>]] = [:]
    /// Substring search over the names; replaced (emptied) whenever the table changes.
    private(set) var nameSearch = NameSearch()

    public init() {}

    /// A table holding `items`, replacing nothing.
    public init(_ items: [Item]) {
        var records: [Record] = []
        records.reserveCapacity(items.count)
        for item in items where byID[item.id] == nil {
            let record = Record(item)
            byID[item.id] = record
            records.append(record)
            addToIndexes(record)
        }
        ordered = records.sorted(by: Record.precedes)
    }

    public var count: Int { ordered.count }

    public func record(id: String) -> Record? { byID[id] }

    /// Ids of the items whose `field` equals `key` (already lowercased where matching ignores case).
    public func ids(_ field: IndexedField, _ key: String) -> Set<String> {
        indexes[field]?[key] ?? []
    }

    /// How many items have `field` equal to `key`, without building a set.
    func indexedCount(_ field: IndexedField, _ key: String) -> Int {
        indexes[field]?[key]?.count ?? 0
    }

    /// Adds or replaces the item with the same id. Returns false when nothing changed.
    @discardableResult
    public mutating func upsert(_ item: Item) -> Bool {
        if let old = byID[item.id] {
            if old.item == item { return false }
            remove(id: item.id)
        }
        let record = Record(item)
        byID[item.id] = record
        addToIndexes(record)
        ordered.insert(record, at: position(name: item.name, id: item.id))
        nameSearch = NameSearch()
        return true
    }

    /// Removes the item with `id`. Returns false when there was none.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        guard let old = byID.removeValue(forKey: id) else { return false }
        for (field, key) in old.item.indexKeys {
            indexes[field]?[key]?.remove(id)
            if indexes[field]?[key]?.isEmpty == true { indexes[field]?[key] = nil }
        }
        let index = position(name: old.item.name, id: id)
        if index < ordered.count, ordered[index].item.id == id { ordered.remove(at: index) }
        nameSearch = NameSearch()
        return true
    }

    /// The first position whose item does not precede (`name`, `id`).
    public func position(name: String, id: String) -> Int {
        var low = 0
        var high = ordered.count
        while low < high {
            let middle = (low + high) / 2
            if Record.precedes(ordered[middle], name: name, id: id) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func addToIndexes(_ record: Record) {
        for (field, key) in record.item.indexKeys {
            indexes[field, default: [:]][key, default: []].insert(record.item.id)
        }
    }
}
