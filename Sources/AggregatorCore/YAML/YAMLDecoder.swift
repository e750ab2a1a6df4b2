import Foundation

/// Decodes `Decodable` values from ``YAMLNode`` trees.
///
/// Errors are ``ConfigurationError`` values with the file, line and column of the
/// offending node and its key path (`backends[2].url`). Keys a type does not know are
/// errors too (a misspelt `pasword_env` must not be ignored silently), unless the type's
/// coding keys accept any string.
public struct YAMLDecoder: Sendable {
    public init() {}

    /// Decodes `type` from `node`.
    public func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode) throws -> T {
        let decoder = NodeDecoder(node: node, codingPath: [])
        do {
            return try T(from: decoder)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as DecodingError {
            throw Self.translate(error, root: node)
        }
    }

    /// Renders a coding path as `backends[2].url`.
    public static func keyPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                if !text.isEmpty { text += "." }
                text += key.stringValue
            }
        }
        return text
    }

    /// Finds the node at `path` below `root`, or the deepest existing ancestor.
    static func node(at path: [any CodingKey], in root: YAMLNode) -> YAMLNode {
        var current = root
        for key in path {
            switch current.content {
            case .mapping:
                guard let next = current[key.stringValue] else { return current }
                current = next
            case .sequence(let items):
                guard let index = key.intValue, items.indices.contains(index) else { return current }
                current = items[index]
            case .scalar:
                return current
            }
        }
        return current
    }

    private static func translate(_ error: DecodingError, root: YAMLNode) -> ConfigurationError {
        switch error {
        case .keyNotFound(let key, let context):
            let parent = node(at: context.codingPath, in: root)
            return ConfigurationError(
                location: parent.location, keyPath: keyPath(context.codingPath + [key]),
                message: "is required", fix: "add '\(key.stringValue):'")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let target = node(at: context.codingPath, in: root)
            return ConfigurationError(
                location: target.location, keyPath: keyPath(context.codingPath),
                message: context.debugDescription)
        @unknown default:
            return ConfigurationError(location: root.location, message: "\(error)")
        }
    }
}

/// The `Decoder` over one node.
private struct NodeDecoder: Decoder {
    let node: YAMLNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let pairs) = node.content else {
            throw mismatch("a mapping")
        }
        var values: [String: YAMLNode] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar else {
                throw ConfigurationError(
                    location: pair.key.location, keyPath: YAMLDecoder.keyPath(codingPath),
                    message: "mapping keys must be plain strings")
            }
            if Key(stringValue: key) == nil {
                throw ConfigurationError(
                    location: pair.key.location,
                    keyPath: YAMLDecoder.keyPath(codingPath + [AnyKey(key)]),
                    message: "unknown key '\(key)'",
                    fix: Self.suggestion(for: key, among: Key.self))
            }
            values[key] = pair.value
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(node: node, values: values, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items) = node.content else {
            throw mismatch("a list")
        }
        return UnkeyedContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValue(node: node, codingPath: codingPath)
    }

    func mismatch(_ expected: String) -> ConfigurationError {
        ConfigurationError(
            location: node.location, keyPath: YAMLDecoder.keyPath(codingPath),
            message: "must be \(expected), found \(node.typeName)")
    }

    /// Suggests a known key close to a misspelt one, when the key type is enumerable.
    static func suggestion<Key: CodingKey>(for key: String, among type: Key.Type) -> String? {
        guard let cases = type as? any (CodingKey & CaseIterable).Type else { return nil }
        let known = (cases.allCases as any Collection).compactMap { ($0 as? any CodingKey)?.stringValue }
        let best = known.min { AggregatorCore.editDistance($0, key) < AggregatorCore.editDistance($1, key) }
        guard let best else { return nil }
        if AggregatorCore.editDistance(best, key) <= max(2, key.count / 3) { return "did you mean '\(best)'?" }
        return "known keys: \(known.joined(separator: ", "))"
    }
}

/// A string or integer coding key.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: YAMLNode
    let values: [String: YAMLNode]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { values.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { values[key.stringValue] != nil }

    func child(_ key: Key) throws -> YAMLNode {
        guard let value = values[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "is required"))
        }
        return value
    }

    func decoder(for key: Key) throws -> NodeDecoder {
        NodeDecoder(node: try child(key), codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: decoder(for: key))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = values[key.stringValue], !value.isNull else { return nil }
        return try T(from: NodeDecoder(node: value, codingPath: codingPath + [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { NodeDecoder(node: node, codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(for: key) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let items: [YAMLNode]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [YAMLNode], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                YAMLNode.self, .init(codingPath: codingPath, debugDescription: "list ended early"))
        }
        defer { currentIndex += 1 }
        return NodeDecoder(node: items[currentIndex], codingPath: codingPath + [AnyKey(intValue: currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValue: SingleValueDecodingContainer {
    let node: YAMLNode
    let codingPath: [any CodingKey]

    func fail(_ expected: String) -> ConfigurationError {
        let shown = node.scalar.map { "'\($0)'" } ?? node.typeName
        return ConfigurationError(
            location: node.location, keyPath: YAMLDecoder.keyPath(codingPath),
            message: "must be \(expected), found \(shown)")
    }

    func text(_ expected: String) throws -> String {
        guard let text = node.scalar else { throw fail(expected) }
        return text
    }

    func decodeNil() -> Bool { node.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        switch try text("true or false").lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail("true or false")
        }
    }

    func decode(_ type: String.Type) throws -> String {
        if node.isNull { throw fail("a string") }
        return try text("a string")
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let raw = try text("an integer").replacingOccurrences(of: "_", with: "")
        guard let value = T(raw) else { throw fail("an integer") }
        return value
    }

    func floating(_ expected: String) throws -> Double {
        guard let value = Double(try text(expected)) else { throw fail(expected) }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double { try floating("a number") }
    func decode(_ type: Float.Type) throws -> Float { Float(try floating("a number")) }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: NodeDecoder(node: node, codingPath: codingPath))
    }
}
