extension JSONParser.Parser {
    /// A string value or member name, its escapes resolved; the parser is on its opening quote.
    mutating func parseString() throws(JSONParser.SyntaxError) -> String {
        index += 1
        var text = ""
        var runStart = index
        func flush(_ parser: JSONParser.Parser, into text: inout String, upTo end: Int) {
            if end > runStart {
                text += String(decoding: parser.bytes[runStart..<end], as: UTF8.self)
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                flush(self, into: &text, upTo: index)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                flush(self, into: &text, upTo: index)
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): text.unicodeScalars.append("\"")
                case UInt8(ascii: "\\"): text.unicodeScalars.append("\\")
                case UInt8(ascii: "/"): text.unicodeScalars.append("/")
                case UInt8(ascii: "b"): text.unicodeScalars.append("\u{08}")
                case UInt8(ascii: "f"): text.unicodeScalars.append("\u{0C}")
                case UInt8(ascii: "n"): text.unicodeScalars.append("\n")
                case UInt8(ascii: "r"): text.unicodeScalars.append("\r")
                case UInt8(ascii: "t"): text.unicodeScalars.append("\t")
                case UInt8(ascii: "u"):
                    text.unicodeScalars.append(try unicodeEscape())
                default:
                    index -= 1
                    if escape >= 0x80 { throw unexpected("after a backslash") }
                    throw fail("invalid escape \\\(describe(escape))", fix: "escape a backslash as \\\\")
                }
                runStart = index
            case 0x0A:
                throw fail("unterminated string (line break inside quotes)", fix: "close the string with \" on the same line")
            case 0x00..<0x20:
                throw fail("control character inside a string", fix: "escape it, e.g. \\t for a tab")
            case 0x80...:
                switch UTF8Check.sequence(in: bytes, at: index) {
                case .valid(let length):
                    index += length
                    continuations += length - 1
                case .invalid(let message):
                    throw fail(message, fix: UTF8Check.fix)
                }
            default:
                index += 1
            }
        }
        throw fail("unterminated string", fix: "close the string with \"")
    }

    /// `\uXXXX`, or a surrogate pair of two; the parser is after the `u`.
    private mutating func unicodeEscape() throws(JSONParser.SyntaxError) -> Unicode.Scalar {
        var code = try hex4()
        if (0xD800...0xDBFF).contains(code) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("invalid \\u escape: a high surrogate must be followed by a low one",
                           fix: "write the character itself, or both halves of its surrogate pair")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid surrogate pair") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else {
            throw fail("invalid \\u escape: a lone low surrogate", fix: "write the character itself")
        }
        return scalar
    }

    private mutating func hex4() throws(JSONParser.SyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw fail("invalid \\u escape: four hex digits expected") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape: four hex digits expected")
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}
