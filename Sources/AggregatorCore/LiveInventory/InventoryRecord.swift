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

/// An item the live model keeps: a ``VM``, ``Host`` or ``Cluster``.
public protocol InventoryRecord: Sendable, Encodable {
    /// The configured engine the item belongs to.
    var engine: String { get }
    /// The engine's id, unique within the engine.
    var id: String { get }
    var name: String { get }
    /// The values the item is found by, per indexed field (lowercased where matching ignores case).
    var indexKeys: [(IndexedField, String)] { get }
    /// Writes the item's JSON exactly as the API's `JSONEncoder` writes it.
    func writeJSON(into writer: inout JSONByteWriter)
}

extension VM: InventoryRecord {
    public var indexKeys: [(IndexedField, String)] {
        var keys: [(IndexedField, String)] = [(.name, name.lowercased()), (.status, status.lowercased())]
        if let cluster { keys.append((.cluster, cluster.lowercased())) }
        if let host { keys.append((.host, host.lowercased())) }
        for address in ipAddresses { keys.append((.ip, address.lowercased())) }
        return keys
    }

    public func writeJSON(into writer: inout JSONByteWriter) {
        writer.beginObject()
        writer.field("cluster", cluster)
        writer.field("comment", comment)
        writer.field("cores", cores)
        writer.field("cpus", cpus)
        writer.field("creation_time", creationTime)
        writer.field("data_center", dataCenter)
        writer.field("description", description)
        writer.field("engine", engine)
        writer.field("fqdn", fqdn)
        writer.field("host", host)
        writer.field("id", id)
        writer.field("ip_addresses", ipAddresses)
        writer.field("memory_bytes", memoryBytes)
        writer.field("name", name)
        writer.field("os_type", osType)
        writer.field("raw_status", rawStatus)
        writer.field("status", status)
        writer.field("template", template)
        writer.endObject()
    }
}

extension Host: InventoryRecord {
    public var indexKeys: [(IndexedField, String)] {
        var keys: [(IndexedField, String)] = [(.name, name.lowercased()), (.status, status.lowercased())]
        if let cluster { keys.append((.cluster, cluster.lowercased())) }
        return keys
    }

    public func writeJSON(into writer: inout JSONByteWriter) {
        writer.beginObject()
        writer.field("address", address)
        writer.field("cluster", cluster)
        writer.field("comment", comment)
        writer.field("cpu_cores", cpuCores)
        writer.field("cpu_model", cpuModel)
        writer.field("cpu_threads", cpuThreads)
        writer.field("data_center", dataCenter)
        writer.field("engine", engine)
        writer.field("id", id)
        writer.field("memory_bytes", memoryBytes)
        writer.field("name", name)
        writer.field("os_version", osVersion)
        writer.field("raw_status", rawStatus)
        writer.field("status", status)
        writer.field("vm_count", vmCount)
        writer.endObject()
    }
}

extension Cluster: InventoryRecord {
    public var indexKeys: [(IndexedField, String)] {
        [(.name, name.lowercased()), (.cluster, name.lowercased())]
    }

    public func writeJSON(into writer: inout JSONByteWriter) {
        writer.beginObject()
        writer.field("comment", comment)
        writer.field("cpu_type", cpuType)
        writer.field("data_center", dataCenter)
        writer.field("description", description)
        writer.field("engine", engine)
        writer.field("host_count", hostCount)
        writer.field("id", id)
        writer.field("name", name)
        writer.field("version", version)
        writer.field("vm_count", vmCount)
        writer.endObject()
    }
}

/// One item as the model holds it: the value, its JSON and its sort key, made once when it changes.
public final class StoredRecord<Item: InventoryRecord>: Sendable {
    public let item: Item
    /// The item's JSON, byte-identical to the API encoder's.
    public let json: [UInt8]
    /// Lowercased name bytes, for substring search.
    let foldedName: [UInt8]

    init(_ item: Item) {
        self.item = item
        var writer = JSONByteWriter()
        item.writeJSON(into: &writer)
        self.json = writer.bytes
        self.foldedName = Array(item.name.lowercased().utf8)
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
