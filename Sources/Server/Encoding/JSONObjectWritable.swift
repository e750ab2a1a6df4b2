import AggregatorCore
import Foundation

/// A type with one JSON object shape on the wire, written field by field under the wire's names
/// (snake_case, in sorted order: the order `JSONEncoder`'s `.sortedKeys` gives).
///
/// The one description of the type's JSON: the listings and `aggregator export` write it with the
/// ``JSONByteWriter``; a `Codable` body that contains the object encodes the same fields through
/// ``encodeFields(to:)``.
public protocol JSONObjectWritable {
    /// Writes every field, in key order.
    func writeFields(into fields: inout some JSONFieldWriter)
}

extension JSONObjectWritable {
    /// Writes `{...}` into `writer`.
    public func write(into writer: inout JSONByteWriter) {
        writer.beginObject()
        writeFields(into: &writer)
        writer.endObject()
    }

    /// The object's JSON.
    public var jsonBytes: [UInt8] {
        var writer = JSONByteWriter()
        write(into: &writer)
        return writer.bytes
    }

    /// Encodes the fields into `encoder`, for an `Encodable` conformance.
    func encodeFields(to encoder: any Encoder) throws {
        var fields = EncoderFieldWriter(encoder)
        writeFields(into: &fields)
        if let failure = fields.failure { throw failure }
    }
}
