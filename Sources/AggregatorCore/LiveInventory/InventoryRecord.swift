import Synchronization

/// A field the live model indexes, for lookups without scanning.
public struct IndexedField: Sendable, Hashable, CustomStringConvertible {
    private enum Value: String, Sendable, Hashable {
        case name, cluster, host, status, ip
    }
    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// The exact name, case-insensitive.
    public static let name = IndexedField(.name)
    /// The cluster's name, case-insensitive.
    public static let cluster = IndexedField(.cluster)
    /// The host's name (the host a VM runs on), case-insensitive.
    public static let host = IndexedField(.host)
    /// The status, lowercase.
    public static let status = IndexedField(.status)
    /// An IP address the guest reports.
    public static let ip = IndexedField(.ip)

    public var description: String { value.rawValue }
}

/// An item the live model keeps: a ``VM``, ``Hypervisor`` or ``Cluster``.
public protocol InventoryRecord: Sendable, Hashable {
    /// The configured engine the item belongs to.
    var engine: String { get }
    /// The engine's id, unique within the engine.
    var id: String { get }
    var name: String { get }
    /// The values the item is found by, per indexed field (lowercased where matching ignores case).
    var indexKeys: [(IndexedField, String)] { get }
}

extension VM: InventoryRecord {
    public var indexKeys: [(IndexedField, String)] {
        var keys: [(IndexedField, String)] = [(.name, name.lowercased()), (.status, status.lowercased())]
        if let cluster { keys.append((.cluster, cluster.lowercased())) }
        if let host { keys.append((.host, host.lowercased())) }
        for address in ipAddresses { keys.append((.ip, address.lowercased())) }
        return keys
    }
}

extension Hypervisor: InventoryRecord {
    public var indexKeys: [(IndexedField, String)] {
        var keys: [(IndexedField, String)] = [(.name, name.lowercased()), (.status, status.lowercased())]
        if let cluster { keys.append((.cluster, cluster.lowercased())) }
        return keys
    }
}

extension Cluster: InventoryRecord {
    public var indexKeys: [(IndexedField, String)] {
        [(.name, name.lowercased()), (.cluster, name.lowercased())]
    }
}

/// One item as the model holds it: the value, its sort key, and its encoded form once a reader
/// has asked for it. A changed item is a new record, so the encoded form is never out of date.
public final class StoredRecord<Item: InventoryRecord>: Sendable {
    public let item: Item
    /// Lowercased name bytes, for substring search.
    let foldedName: [UInt8]
    /// The bytes ``encoded(by:)`` made, kept for every later listing of the unchanged item.
    private let encodedForm = Mutex<[UInt8]?>(nil)

    init(_ item: Item) {
        self.item = item
        self.foldedName = Array(item.name.lowercased().utf8)
    }

    /// The item's encoded form: made by `encode` the first time it is asked for, then kept, so a
    /// listing of thousands of unchanged items copies stored bytes instead of encoding them.
    ///
    /// The model knows no wire format; the server passes its encoding of `Item`.
    /// - Important: Every caller must pass the same encoding for an item type: the first one's
    ///   bytes are the ones kept.
    public func encoded(by encode: (Item) -> [UInt8]) -> [UInt8] {
        encodedForm.withLock { cached in
            if let cached { return cached }
            let bytes = encode(item)
            cached = bytes
            return bytes
        }
    }

    /// Listing order: by name, then id.
    static func precedes(_ lhs: StoredRecord, _ rhs: StoredRecord) -> Bool {
        precedes(lhs, name: rhs.item.name, id: rhs.item.id)
    }

    static func precedes(_ record: StoredRecord, name: String, id: String) -> Bool {
        record.item.name != name ? record.item.name < name : record.item.id < id
    }

    /// True when the bytes of `needle` occur in the folded name.
    func nameContains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        let haystack = foldedName
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = 1
                while matched < needle.count, haystack[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}
