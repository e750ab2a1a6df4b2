/// A position in a source file, 1-based as editors show it.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A node of a parsed YAML document, with the place it came from.
public struct YAMLNode: Sendable, Hashable {
    /// The node's content.
    public enum Content: Sendable, Hashable {
        /// A scalar; `quoted` is true for single- or double-quoted scalars (always strings).
        case scalar(String, quoted: Bool)
        case sequence([YAMLNode])
        case mapping([Pair])
    }

    /// One key/value entry of a mapping, in document order.
    public struct Pair: Sendable, Hashable {
        public var key: YAMLNode
        public var value: YAMLNode
    }

    public var content: Content
    public var location: SourceLocation

    public init(_ content: Content, location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// The scalar's text, or nil for collections.
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// True for a plain `~`, `null` or empty unquoted scalar.
    public var isNull: Bool {
        if case .scalar(let text, let quoted) = content, !quoted {
            return text.isEmpty || text == "~" || text.lowercased() == "null"
        }
        return false
    }

    /// The value for a scalar key of a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first { $0.key.scalar == key }?.value
    }

    /// A short name of the node's type for error messages.
    var typeName: String {
        switch content {
        case .scalar: return isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
