import Foundation

/// A strict JSON (RFC 8259) parser that records the line and column of every value, so that
/// problems in an operator's file can be pointed at precisely.
public enum JSONParser {
    /// Why a text is not JSON, and where.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var line: Int
        public var column: Int
        /// How to fix it, when the mistake is a common one (comments, trailing commas, quotes).
        public var fix: String?

        public var description: String {
            var text = "line \(line), column \(column): \(message)"
            if let fix { text += " (fix: \(fix))" }
            return text
        }
    }

    /// Parses `bytes` as one JSON document. Nesting deeper than `maxDepth` is refused.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64) throws(SyntaxError) -> JSONValue {
        var parser = Parser(bytes: bytes, maxDepth: maxDepth)
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        let maxDepth: Int
        var index = 0
        var line = 1
        var lineStart = 0
        var depth = 0

        init(bytes: [UInt8], maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {  // UTF-8 byte order mark
                index = 3
                lineStart = 3
            }
        }

        var column: Int { index - lineStart + 1 }

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
                default:
                    return
                }
            }
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return String(format: "byte 0x%02X", byte)
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
                throw fail("unexpected \(describe(bytes[index])) where a value was expected")
            }
        }

        mutating func literal(_ word: String) throws(SyntaxError) {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw fail("invalid literal", fix: "use true, false or null (lowercase), or quote the text")
            }
            index += expected.count
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
                    throw fail("expected a member name in double quotes, found \(describe(bytes[index]))")
                }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw fail("expected ':' after \"\(key)\"")
                }
                index += 1
                let value = try parseValue()
                if members.contains(where: { $0.key == key }) {
                    throw SyntaxError(message: "duplicate member \"\(key)\"", line: value.line, column: value.column,
                                      fix: "keep one \"\(key)\"")
                }
                members.append(.init(key: key, value: value))
                skipWhitespace()
                guard index < bytes.count else { throw fail("unexpected end of file inside an object", fix: "close it with }") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                case UInt8(ascii: "#"), UInt8(ascii: "/"):
                    throw fail("comments are not allowed in JSON", fix: "remove the comment (JSON has no '#' or '//' comments)")
                default: throw fail("expected ',' or '}' after a member, found \(describe(bytes[index]))")
                }
            }
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
                default: throw fail("expected ',' or ']' after an item, found \(describe(bytes[index]))")
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
                throw fail("numbers must not have leading zeros", fix: "write \(Int(String(decoding: bytes[intStart..<index], as: UTF8.self)) ?? 0)")
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

        mutating func parseString() throws(SyntaxError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flush(_ parser: Parser, into scalars: inout String.UnicodeScalarView, upTo end: Int) {
                if end > runStart {
                    scalars.append(contentsOf: String(decoding: parser.bytes[runStart..<end], as: UTF8.self).unicodeScalars)
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    flush(self, into: &scalars, upTo: index)
                    index += 1
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush(self, into: &scalars, upTo: index)
                    index += 1
                    guard index < bytes.count else { break }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count,
                           bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid surrogate pair") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                        scalars.append(scalar)
                    default:
                        index -= 1
                        throw fail("invalid escape \\\(describe(escape))", fix: "escape a backslash as \\\\")
                    }
                    runStart = index
                case 0x0A:
                    throw fail("unterminated string (line break inside quotes)", fix: "close the string with \" on the same line")
                case 0x00..<0x20:
                    throw fail("control character inside a string", fix: "escape it, e.g. \\t for a tab")
                default:
                    index += 1
                }
            }
            throw fail("unterminated string", fix: "close the string with \"")
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard bytes.count - index >= 4,
                  let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
            else { throw fail("invalid \\u escape: four hex digits expected") }
            index += 4
            return value
        }
    }
}
