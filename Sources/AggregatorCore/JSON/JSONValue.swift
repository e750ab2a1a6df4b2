/// A parsed JSON value that remembers where it came from, so validation errors can point at
/// a line and column of the operator's file. Object members keep their order.
public struct JSONValue: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case null
        case bool(Bool)
        /// A number, kept as written (`2`, `40.5`, `1e3`).
        case number(String)
        case string(String)
        case array([JSONValue])
        case object([Member])
    }

    /// One `"key": value` member of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var content: Content
    /// 1-based line of the value's first character.
    public var line: Int
    /// 1-based column of the value's first character.
    public var column: Int

    public init(_ content: Content, line: Int = 0, column: Int = 0) {
        self.content = content
        self.line = line
        self.column = column
    }

    /// The member named `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = content else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var string: String? {
        if case .string(let text) = content { return text }
        return nil
    }

    /// An integer written as a JSON number without fraction or exponent.
    public var integer: Int? {
        if case .number(let text) = content { return Int(text) }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = content { return value }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let items) = content { return items }
        return nil
    }

    public var members: [Member]? {
        if case .object(let members) = content { return members }
        return nil
    }

    public var isNull: Bool {
        if case .null = content { return true }
        return false
    }

    /// The JSON type's name as an error message says it (`a string`, `a number`).
    public var typeName: String {
        switch content {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
