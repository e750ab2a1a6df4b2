import Foundation

/// A backend's own typed plan, carried inside a ``ProvisioningPlan`` and stored with the job.
///
/// Core never looks inside: a backend encodes its plan type when planning
/// (``ProvisioningPlan/init(engine:kind:steps:payload:)``) and decodes the same type when
/// executing (``ProvisioningPlan/payload(as:)``). It is kept as a JSON tree so the job store and
/// `?dry_run=true` show it as nested JSON, not as an opaque string.
public struct PlanPayload: Sendable, Codable, Hashable {
    /// The payload as a JSON tree.
    public var value: Value

    /// One JSON value. Object members are kept sorted by key, so two equal payloads compare equal.
    public indirect enum Value: Sendable, Hashable {
        case null
        case bool(Bool)
        case integer(Int64)
        case double(Double)
        case string(String)
        case array([Value])
        case object([Member])
    }

    /// One member of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: Value
    }

    /// Most levels of nesting a payload may have. Plans are shallow; this only bounds a bad row.
    static let maxDepth = 64

    public init(value: Value) {
        self.value = value
    }

    /// Encodes `payload` into a tree.
    /// - Throws: `EncodingError` when the value cannot be encoded as JSON (a non-finite double, say).
    public init(encoding payload: some Encodable) throws {
        let data = try JSONEncoder().encode(payload)
        self = try JSONDecoder().decode(PlanPayload.self, from: data)
    }

    /// Decodes the tree as `type`.
    public func decode<P: Decodable>(_ type: P.Type) throws -> P {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try JSONDecoder().decode(type, from: try encoder.encode(self))
    }

    public init(from decoder: any Decoder) throws {
        value = try Value(from: decoder, depth: 0)
    }

    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}

extension PlanPayload.Value {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder, depth: Int) throws {
        guard depth < PlanPayload.maxDepth else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "plan payload nested deeper than \(PlanPayload.maxDepth)"))
        }
        if let keyed = try? decoder.container(keyedBy: Key.self) {
            var members: [PlanPayload.Member] = []
            for key in keyed.allKeys {
                let nested = try keyed.superDecoder(forKey: key)
                members.append(PlanPayload.Member(key: key.stringValue, value: try Self(from: nested, depth: depth + 1)))
            }
            self = .object(members.sorted { $0.key < $1.key })
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [Self] = []
            while !unkeyed.isAtEnd {
                items.append(try Self(from: try unkeyed.superDecoder(), depth: depth + 1))
            }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? single.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .integer(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .double(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .string(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .array(let items):
            var unkeyed = encoder.unkeyedContainer()
            for item in items { try item.encode(to: unkeyed.superEncoder()) }
        case .object(let members):
            var keyed = encoder.container(keyedBy: Key.self)
            for member in members { try member.value.encode(to: keyed.superEncoder(forKey: Key(stringValue: member.key))) }
        }
    }
}
