import AggregatorCore
import Foundation

/// A JSON document as a list of byte pieces; items' stored bytes are referenced, not copied.
public struct JSONPieces: Sendable {
    /// The document's bytes, piece after piece.
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

    /// A small `Encodable` value, with the API's encoder.
    mutating func encoded(_ value: some Encodable) {
        raw(Array((try? JSONBody.makeEncoder().encode(value)) ?? Data("null".utf8)))
    }

    /// `[item,item,...]` from each item's bytes.
    mutating func array(_ items: some Sequence<[UInt8]>) {
        literal("[")
        var first = true
        for item in items {
            if !first { literal(",") }
            first = false
            raw(item)
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
