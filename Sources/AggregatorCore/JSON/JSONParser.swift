import Foundation

/// A strict JSON (RFC 8259) parser that records the line and column of every value, so that
/// problems in an operator's file can be pointed at precisely.
///
/// Parsing takes time linear in the input: duplicate member names are found with a set, and
/// columns are counted as the parser goes. Text must be UTF-8; a malformed sequence is an error
/// at its line and column, never replaced. Columns count characters (Unicode scalars), not bytes,
/// so they match what an editor shows after non-ASCII text such as `Тест`.
public enum JSONParser {
    /// Why a text is not JSON, and where.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        /// 1-based line.
        public var line: Int
        /// 1-based column, in characters (Unicode scalars) from the start of the line.
        public var column: Int
        /// How to fix it, when the mistake is a common one (comments, trailing commas, quotes).
        public var fix: String?

        public var description: String {
            var text = "line \(line), column \(column): \(message)"
            if let fix { text += " (fix: \(fix))" }
            return text
        }
    }

    /// Bounds that keep parsing cheap whatever the input.
    public struct Limits: Sendable, Hashable {
        /// Deepest nesting of arrays and objects. Defaults to 64.
        public var maxDepth: Int = 64
        /// Largest accepted input in bytes. Defaults to 16 MiB.
        public var maxBytes: Int = 16 << 20

        public init(maxDepth: Int = 64, maxBytes: Int = 16 << 20) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }
    }

    /// Parses `bytes` as one JSON document. Nesting deeper than `maxDepth` is refused.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(SyntaxError) -> JSONValue {
        try parse(bytes, limits: Limits(maxDepth: maxDepth))
    }

    /// Parses `bytes` as one JSON document within `limits`.
    ///
    /// ```swift
    /// let value = try JSONParser.parse(Array(#"[{"a": 1}]"#.utf8), limits: .init(maxDepth: 8))
    /// ```
    /// - Throws: ``SyntaxError`` with the line and column of the first problem.
    public static func parse(_ bytes: [UInt8], limits: Limits) throws(SyntaxError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw SyntaxError(message: "the document is \(bytes.count) bytes; at most \(limits.maxBytes) are accepted",
                              line: 1, column: 1, fix: "split the file")
        }
        var parser = Parser(bytes: bytes, maxDepth: limits.maxDepth)
        return try parser.document()
    }

    struct Parser {
        let bytes: [UInt8]
        let maxDepth: Int
        var index = 0
        var line = 1
        var lineStart = 0
        /// UTF-8 continuation bytes passed on the current line: the column is
        /// `index - lineStart - continuations + 1`.
        var continuations = 0
        var depth = 0

        init(bytes: [UInt8], maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {  // UTF-8 byte order mark
                index = 3
                lineStart = 3
            }
        }

        var column: Int { index - lineStart - continuations + 1 }

        func fail(_ message: String, fix: String? = nil) -> SyntaxError {
            SyntaxError(message: message, line: line, column: column, fix: fix)
        }

        mutating func document() throws(SyntaxError) -> JSONValue {
            skipWhitespace()
            guard index < bytes.count else { throw fail("the file is empty", fix: "upload a JSON array of items") }
            let value = try parseValue()
            skipWhitespace()
            if index < bytes.count {
                throw fail("unexpected \(describe(bytes[index])) after the end of the JSON value",
                           fix: "the file must hold exactly one JSON array")
            }
            return value
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D:
                    index += 1
                case 0x0A:
                    index += 1
                    line += 1
                    lineStart = index
                    continuations = 0
                default:
                    return
                }
            }
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return String(format: "byte 0x%02X", byte)
        }

        /// The error for an unexpected byte; a non-ASCII one is described as the character it
        /// starts, or as invalid UTF-8.
        func unexpected(_ what: String) -> SyntaxError {
            if bytes[index] >= 0x80 {
                if case .invalid(let message) = UTF8Check.sequence(in: bytes, at: index) {
                    return fail(message, fix: UTF8Check.fix)
                }
                return fail("unexpected character \(UTF8Check.describeCharacter(in: bytes, at: index)) \(what)")
            }
            return fail("unexpected \(describe(bytes[index])) \(what)")
        }

        mutating func parseValue() throws(SyntaxError) -> JSONValue {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file", fix: "close every [ and {") }
            let (startLine, startColumn) = (line, column)
            func at(_ content: JSONValue.Content) -> JSONValue {
                JSONValue(content, line: startLine, column: startColumn)
            }
            switch bytes[index] {
            case UInt8(ascii: "{"): return at(try parseObject())
            case UInt8(ascii: "["): return at(try parseArray())
            case UInt8(ascii: "\""): return at(.string(try parseString()))
            case UInt8(ascii: "t"): try literal("true"); return at(.bool(true))
            case UInt8(ascii: "f"): try literal("false"); return at(.bool(false))
            case UInt8(ascii: "n"): try literal("null"); return at(.null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return at(.number(try parseNumber()))
            case UInt8(ascii: "#"), UInt8(ascii: "/"):
                throw fail("comments are not allowed in JSON", fix: "remove the comment (JSON has no '#' or '//' comments)")
            case UInt8(ascii: "'"):
                throw fail("strings must use double quotes", fix: "write \"text\" instead of 'text'")
            default:
                throw unexpected("where a value was expected")
            }
        }

        mutating func literal(_ word: StaticString) throws(SyntaxError) {
            let count = word.utf8CodeUnitCount
            let available = bytes[index..<min(bytes.count, index + count)]
            let matches = word.withUTF8Buffer { expected in expected.elementsEqual(available) }
            guard matches else {
                throw fail("invalid literal", fix: "use true, false or null (lowercase), or quote the text")
            }
            index += count
        }

        mutating func enter() throws(SyntaxError) {
            depth += 1
            if depth > maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
        }

        mutating func parseObject() throws(SyntaxError) -> JSONValue.Content {
            try enter()
            defer { depth -= 1 }
            index += 1
            var members: [JSONValue.Member] = []
            var keys: Set<String> = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object([])
            }
            while true {
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end of file inside an object", fix: "close it with }") }
                if bytes[index] == UInt8(ascii: "}") {
                    throw fail("trailing comma before }", fix: "remove the last comma")
                }
                if bytes[index] == UInt8(ascii: "#") || bytes[index] == UInt8(ascii: "/") {
                    throw fail("comments are not allowed in JSON", fix: "remove the comment (JSON has no '#' or '//' comments)")
                }
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw unexpected("where a member name in double quotes was expected")
                }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw fail("expected ':' after \"\(Self.shortened(key))\"")
                }
                index += 1
                let value = try parseValue()
                guard keys.insert(key).inserted else {
                    let name = Self.shortened(key)
                    throw SyntaxError(message: "duplicate member \"\(name)\"", line: value.line, column: value.column,
                                      fix: "keep one \"\(name)\"")
                }
                members.append(.init(key: key, value: value))
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end of file inside an object", fix: "close it with }") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                case UInt8(ascii: "#"), UInt8(ascii: "/"):
                    throw fail("comments are not allowed in JSON", fix: "remove the comment (JSON has no '#' or '//' comments)")
                default: throw unexpected("where ',' or '}' was expected after a member")
                }
            }
        }

        /// A member name as an error message quotes it: at most 60 characters.
        static func shortened(_ key: String) -> String {
            key.unicodeScalars.count <= 60 ? key : String(String.UnicodeScalarView(key.unicodeScalars.prefix(57))) + "..."
        }

        mutating func parseArray() throws(SyntaxError) -> JSONValue.Content {
            try enter()
            defer { depth -= 1 }
            index += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array([])
            }
            while true {
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    throw fail("trailing comma before ]", fix: "remove the last comma")
                }
                items.append(try parseValue())
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end of file inside an array", fix: "close it with ]") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(items)
                case UInt8(ascii: "#"), UInt8(ascii: "/"):
                    throw fail("comments are not allowed in JSON", fix: "remove the comment (JSON has no '#' or '//' comments)")
                default: throw unexpected("where ',' or ']' was expected after an item")
                }
            }
        }

        mutating func parseNumber() throws(SyntaxError) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            func digits(_ parser: inout Parser) -> Int {
                let from = parser.index
                while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                    parser.index += 1
                }
                return parser.index - from
            }
            let intStart = index
            let intDigits = digits(&self)
            guard intDigits > 0 else { throw fail("invalid number") }
            if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") {
                let trimmed = bytes[intStart..<index].drop { $0 == UInt8(ascii: "0") }
                let written = trimmed.isEmpty ? "0" : String(decoding: trimmed.prefix(40), as: UTF8.self)
                throw fail("numbers must not have leading zeros", fix: "write \(written)")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw fail("invalid number: digits expected after '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw fail("invalid number: digits expected in the exponent") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}
