import CYAML

/// Parses YAML text into ``YAMLNode`` trees with the system libyaml's event API.
///
/// Supports the subset configuration files need: mappings, sequences, scalars
/// (plain and quoted), anchors and aliases. Merge keys and tags are not interpreted.
public enum YAMLParser {
    /// Parses the first document of `text`.
    /// - Parameters:
    ///   - text: YAML source.
    ///   - file: File name used in locations and errors.
    /// - Returns: The root node; nil when the document is empty.
    /// - Throws: ``ConfigurationError`` with the line and column of a syntax error.
    public static func parse(_ text: String, file: String) throws -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ConfigurationError(file: file, message: "could not initialise the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }

        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder(file: file)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw syntaxError(parser, file: file)
                }
                defer { yaml_event_delete(&event) }
                let done = try builder.consume(&event)
                if done { return builder.root }
            }
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, file: String) -> ConfigurationError {
        let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
        let context = parser.context.map { String(cString: $0) }
        let mark = parser.problem_mark
        var message = "invalid YAML: \(problem)"
        if let context { message += " (\(context))" }
        return ConfigurationError(
            location: SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1),
            message: message,
            fix: "check indentation and quoting near this position"
        )
    }

    /// Builds nodes from the event stream with an explicit stack.
    private struct Builder {
        /// An open sequence or mapping. A class, so adding to it appends in place (an enum
        /// payload taken out and put back is copied each time: quadratic for large mappings).
        final class Frame {
            let isMapping: Bool
            let start: SourceLocation
            let anchor: String?
            var items: [YAMLNode] = []
            var pairs: [YAMLNode.Pair] = []
            var pendingKey: YAMLNode?
            var keys: Set<String> = []
            /// Values inside so far, aliases counted as what they expand to.
            var size = 0

            init(isMapping: Bool, start: SourceLocation, anchor: String?) {
                self.isMapping = isMapping
                self.start = start
                self.anchor = anchor
            }
        }

        /// Most values a document may expand to through aliases (a "billion laughs" document
        /// would otherwise cost whoever walks the tree exponential time).
        static let maxExpandedValues = 1_000_000

        let file: String
        var stack: [Frame] = []
        var anchors: [String: YAMLNode] = [:]
        var anchorSizes: [String: Int] = [:]
        var root: YAMLNode?
        var sawDocument = false

        init(file: String) { self.file = file }

        func location(_ mark: yaml_mark_t) -> SourceLocation {
            SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        }

        /// Returns true when the first document is complete.
        mutating func consume(_ event: inout yaml_event_t) throws -> Bool {
            let here = location(event.start_mark)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return true
            case YAML_DOCUMENT_END_EVENT:
                return sawDocument
            case YAML_DOCUMENT_START_EVENT:
                sawDocument = true
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = String(
                    decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                let quoted =
                    scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE
                    || scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
                    || scalar.style == YAML_LITERAL_SCALAR_STYLE
                    || scalar.style == YAML_FOLDED_SCALAR_STYLE
                let node = YAMLNode(.scalar(text, quoted: quoted), location: here)
                if let anchor = scalar.anchor {
                    anchors[String(cString: anchor)] = node
                    anchorSizes[String(cString: anchor)] = 1
                }
                try add(node, size: 1)
            case YAML_ALIAS_EVENT:
                let name = String(cString: event.data.alias.anchor)
                guard var node = anchors[name] else {
                    throw ConfigurationError(location: here, message: "unknown alias '*\(name)'",
                                             fix: "define the anchor '&\(name)' before using it")
                }
                node.location = here
                try add(node, size: anchorSizes[name] ?? 1)
            case YAML_SEQUENCE_START_EVENT:
                let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
                stack.append(Frame(isMapping: false, start: here, anchor: anchor))
            case YAML_MAPPING_START_EVENT:
                let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
                stack.append(Frame(isMapping: true, start: here, anchor: anchor))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { return false }
                let node = YAMLNode(frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items), location: frame.start)
                let size = frame.size + 1
                if let anchor = frame.anchor {
                    anchors[anchor] = node
                    anchorSizes[anchor] = size
                }
                try add(node, size: size)
            default:
                break
            }
            return false
        }

        /// Adds `node`, which expands to `size` values, to the open sequence or mapping.
        mutating func add(_ node: YAMLNode, size: Int) throws {
            guard let top = stack.last else {
                root = node
                return
            }
            top.size += size
            guard top.size <= Self.maxExpandedValues else {
                throw ConfigurationError(
                    location: node.location,
                    message: "the document expands to more than \(Self.maxExpandedValues) values through aliases",
                    fix: "use fewer aliases of aliases")
            }
            guard top.isMapping else {
                top.items.append(node)
                return
            }
            guard let key = top.pendingKey else {
                top.pendingKey = node
                return
            }
            if let keyText = key.scalar, !top.keys.insert(keyText).inserted {
                throw ConfigurationError(
                    location: key.location, message: "duplicate key '\(keyText)'",
                    fix: "remove one of the two '\(keyText)' entries")
            }
            top.pairs.append(YAMLNode.Pair(key: key, value: node))
            top.pendingKey = nil
        }
    }
}
