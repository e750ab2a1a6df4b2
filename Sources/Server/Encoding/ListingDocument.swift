import AggregatorCore
import Foundation

/// The two JSON shapes of a listing, written from each item's stored bytes without encoding the
/// whole document: the answer is a sequence of pieces (the items' own byte arrays and the
/// punctuation between them) that the server sends in chunks as it goes; `aggregator export`
/// writes the seed shape with it too.
///
/// Keys are in sorted order, as `JSONEncoder`'s `.sortedKeys` writes them, except in the seed
/// shape, whose engines come in configuration order as the tool it replaces wrote them.
public enum ListingDocument {
    /// The seed's shape: `{"engine": [items...], ..., "_errors": {"engine": {...}}}`, engines in
    /// configuration order. An engine whose refresh failed keeps its last good items and is
    /// described under `_errors` (with `stale` and `age_ms` when it has data to show).
    public static func seedShape<Item: InventoryRecord & JSONObjectWritable>(_ listing: Listing<Item>) -> JSONPieces {
        var pieces = JSONPieces()
        pieces.literal("{")
        for (index, part) in listing.parts.enumerated() {
            if index > 0 { pieces.literal(",") }
            pieces.string(part.status.engine)
            pieces.literal(":")
            pieces.array(part.records.lazy.map(Self.bytes))
        }
        let failures = listing.statuses.filter { !$0.ok }
        if !failures.isEmpty {
            if !listing.parts.isEmpty { pieces.literal(",") }
            pieces.string("_errors")
            pieces.literal(":{")
            for (index, status) in failures.enumerated() {
                if index > 0 { pieces.literal(",") }
                pieces.string(status.engine)
                pieces.literal(":")
                pieces.encoded(SeedError(status))
            }
            pieces.literal("}")
        }
        pieces.literal("}")
        return pieces
    }

    /// The backend-agnostic shape:
    /// `{"complete": B, "count": N, "engines": [...], "items": [...], "next_cursor": "...", "total": N}`.
    public static func flat<Item: InventoryRecord & JSONObjectWritable>(_ listing: Listing<Item>) -> JSONPieces {
        var pieces = JSONPieces()
        pieces.literal("{\"complete\":\(listing.isComplete),\"count\":\(listing.count),\"engines\":")
        var statuses = JSONByteWriter(capacity: 256 * listing.parts.count)
        statuses.beginArray()
        for part in listing.parts { statuses.element(part.status.write(into:)) }
        statuses.endArray()
        pieces.raw(statuses.bytes)
        pieces.literal(",\"items\":[")
        var first = true
        for part in listing.parts {
            for record in part.records {
                if !first { pieces.literal(",") }
                first = false
                pieces.raw(bytes(record))
            }
        }
        pieces.literal("]")
        if let next = listing.nextCursor {
            pieces.literal(",\"next_cursor\":")
            pieces.string(next.token)
        }
        pieces.literal(",\"total\":\(listing.total)}")
        return pieces
    }

    /// A record's JSON, written once per item and kept by the model for the next listings.
    ///
    /// A closure, not the key path `\.jsonBytes`: in this generic function a key path is
    /// instantiated by the runtime on every call, which was most of a 10,000-VM listing's CPU.
    static func bytes<Item: JSONObjectWritable>(_ record: StoredRecord<Item>) -> [UInt8] {
        record.encoded { $0.jsonBytes }
    }

    /// How a failed engine is described under `_errors` in the seed shape.
    struct SeedError: Encodable, Sendable {
        var error: String?
        var message: String?
        var httpStatus: Int?
        /// Present when the engine's last good items are shown.
        var stale: Bool?
        var ageMs: Int64?

        init(_ status: EngineStatus) {
            error = status.error
            message = status.message
            httpStatus = status.httpStatus
            stale = status.stale
            ageMs = status.stale == nil ? nil : status.ageMs
        }
    }
}
