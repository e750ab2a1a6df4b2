/// A listing answered from the live model: per engine, its status and the matching items'
/// stored records, in configuration order. The server encodes it (``StoredRecord/encoded(by:)``).
public struct Listing<Item: InventoryRecord>: Sendable {
    /// One engine's part of the answer.
    public struct Part: Sendable {
        public var status: EngineStatus
        public var records: ArraySlice<StoredRecord<Item>>
    }

    public var parts: [Part]
    /// Items matching the filters across the selected engines, beyond this page too.
    public var total: Int
    /// Where the next page starts; nil on the last page.
    public var nextCursor: PageCursor?

    /// Notes on each engine's status what `?refresh=true` did for it (``EngineStatus/refresh``).
    public mutating func note(refresh outcomes: [String: EngineModel.RequestedRefresh]) {
        for index in parts.indices {
            parts[index].status.refresh = outcomes[parts[index].status.engine]?.rawValue
        }
    }

    /// The items of this page, in order.
    public var items: [Item] { parts.flatMap { $0.records.map(\.item) } }
    /// Item count of this page.
    public var count: Int { parts.reduce(0) { $0 + $1.records.count } }
    /// A status per engine, in configuration order.
    public var statuses: [EngineStatus] { parts.map(\.status) }
    /// True when every selected engine's data is current.
    public var isComplete: Bool { parts.allSatisfy { $0.status.ok && $0.status.stale != true } }
    /// True when engines were asked, none answered, and there is no data of any to show.
    public var nothingToShow: Bool {
        !parts.isEmpty && parts.allSatisfy { !$0.status.ok && $0.status.stale == nil }
    }
}
