import AggregatorCore
import Foundation

/// Where the fields of a ``JSONObjectWritable`` value go: the ``JSONByteWriter`` (listings,
/// `aggregator export`) or an `Encoder` (a `Codable` body that contains the object).
///
/// Each value is written as `JSONEncoder` writes it; an absent optional is left out.
public protocol JSONFieldWriter {
    mutating func field(_ name: StaticString, _ value: String?)
    mutating func field(_ name: StaticString, _ value: Int?)
    mutating func field(_ name: StaticString, _ value: Int64?)
    mutating func field(_ name: StaticString, _ value: Bool?)
    mutating func field(_ name: StaticString, _ value: Date?)
    mutating func field(_ name: StaticString, _ values: [String])
}

extension JSONByteWriter: JSONFieldWriter {}

/// The fields of a ``JSONObjectWritable`` value written into an `Encoder`'s keyed container.
///
/// `JSONEncoder` sorts the keys and leaves snake_case names as they are, so the bytes are the
/// byte writer's.
struct EncoderFieldWriter: JSONFieldWriter {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var container: KeyedEncodingContainer<Key>
    /// The first error the container threw; the fields after it are not written.
    private(set) var failure: (any Error)?

    init(_ encoder: any Encoder) { container = encoder.container(keyedBy: Key.self) }

    private mutating func put(_ name: StaticString, _ value: (some Encodable)?) {
        guard let value, failure == nil else { return }
        do { try container.encode(value, forKey: Key(stringValue: name.description)) } catch { failure = error }
    }

    mutating func field(_ name: StaticString, _ value: String?) { put(name, value) }
    mutating func field(_ name: StaticString, _ value: Int?) { put(name, value) }
    mutating func field(_ name: StaticString, _ value: Int64?) { put(name, value) }
    mutating func field(_ name: StaticString, _ value: Bool?) { put(name, value) }
    mutating func field(_ name: StaticString, _ value: Date?) { put(name, value) }
    mutating func field(_ name: StaticString, _ values: [String]) { put(name, values) }
}
