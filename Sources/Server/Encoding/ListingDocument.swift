import Foundation

/// The two JSON shapes of a listing, written from each item's stored JSON without encoding the
/// whole document: the answer is a sequence of pieces (the items' own byte arrays and the
/// punctuation between them) that a server sends in chunks as it goes.
///
/// The bytes are identical to what the API's `JSONEncoder` (sorted keys, snake_case, ISO 8601
/// dates, unescaped slashes) makes of the same document.
public enum ListingDocument {
    /// The encoder settings every API answer uses.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The seed's shape: `{"engine": [items...], ..., "_errors": {"engine": {...}}}`, engines in
    /// configuration order. An engine whose refresh failed keeps its last good items and is
    /// described under `_errors` (with `stale` and `age_ms` when it has data to show).
    public static func seedShape<Item>(_ listing: Listing<Item>) -> JSONPieces {
        var pieces = JSONPieces()
        pieces.literal("{")
        for (index, part) in listing.parts.enumerated() {
            if index > 0 { pieces.literal(",") }
            pieces.string(part.status.engine)
            pieces.literal(":")
            pieces.array(part.records)
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
    public static func flat<Item>(_ listing: Listing<Item>) -> JSONPieces {
        var pieces = JSONPieces()
        pieces.literal("{\"complete\":\(listing.isComplete),\"count\":\(listing.count),\"engines\":")
        var statuses = JSONByteWriter(capacity: 256 * listing.parts.count)
        statuses.beginArray()
        for part in listing.parts { statuses.element(part.status.writeJSON) }
        statuses.endArray()
        pieces.raw(statuses.bytes)
        pieces.literal(",\"items\":[")
        var first = true
        for part in listing.parts {
            for record in part.records {
                if !first { pieces.literal(",") }
                first = false
                pieces.raw(record.json)
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

    /// How a failed engine is described under `_errors` in the seed shape.
    public struct SeedError: Encodable, Sendable {
        public var error: String?
        public var message: String?
        public var httpStatus: Int?
        /// Present when the engine's last good items are shown.
        public var stale: Bool?
        public var ageMs: Int64?

        public init(_ status: EngineStatus) {
            error = status.error
            message = status.message
            httpStatus = status.httpStatus
            stale = status.stale
            ageMs = status.stale == nil ? nil : status.ageMs
        }
    }
}

/// A JSON document as a list of byte pieces; items' stored JSON is referenced, not copied.
public struct JSONPieces: Sendable {
    public private(set) var pieces: [[UInt8]] = []
    /// Total size in bytes.
    public private(set) var byteCount = 0

    public init() {}

    mutating func raw(_ bytes: [UInt8]) {
        pieces.append(bytes)
        byteCount += bytes.count
    }

    mutating func literal(_ text: String) {
        switch text {
        case ",": raw(Self.comma)
        case "[": raw(Self.openBracket)
        case "]": raw(Self.closeBracket)
        case ":": raw(Self.colon)
        default: raw(Array(text.utf8))
        }
    }

    // Shared punctuation: a listing of thousands of items joins them without an allocation each.
    private static let comma: [UInt8] = [UInt8(ascii: ",")]
    private static let openBracket: [UInt8] = [UInt8(ascii: "[")]
    private static let closeBracket: [UInt8] = [UInt8(ascii: "]")]
    private static let colon: [UInt8] = [UInt8(ascii: ":")]

    mutating func string(_ text: String) {
        var bytes: [UInt8] = []
        JSONByteWriter.appendString(text, to: &bytes)
        raw(bytes)
    }

    mutating func encoded(_ value: some Encodable) {
        raw(Array((try? ListingDocument.makeEncoder().encode(value)) ?? Data("null".utf8)))
    }

    mutating func array<Item>(_ records: ArraySlice<StoredRecord<Item>>) {
        literal("[")
        var first = true
        for record in records {
            if !first { literal(",") }
            first = false
            raw(record.json)
        }
        literal("]")
    }

    /// The whole document in one array.
    public var joined: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        for piece in pieces { bytes.append(contentsOf: piece) }
        return bytes
    }
}
