/// The byte-level scanning under ``OvirtJSONReader``: whitespace, literals, member names,
/// strings (with escapes), numbers.
extension OvirtJSONReader {

    mutating func enter() throws {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        depth += 1
        position += 1
    }

    @inline(__always)
    mutating func skipWhitespace() {
        // Indentation comes in runs of spaces: eight at a time.
        if let raw = UnsafeRawPointer(bytes.baseAddress) {
            while position &+ 8 <= bytes.count,
                  raw.loadUnaligned(fromByteOffset: position, as: UInt64.self) == 0x2020_2020_2020_2020 {
                position &+= 8
            }
        }
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw error("unexpected end of the document") }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] {
            throw error("invalid literal")
        }
        position += count
    }

    /// The member name starting at the current `"`; leaves the position after its closing quote.
    mutating func scanKey() throws -> Key {
        let (end, escaped) = try endOfString(from: position)
        let key = Key(start: position + 1, end: end, escaped: escaped)
        position = end + 1
        return key
    }

    /// The string starting at the current `"`, decoded; leaves the position after it.
    mutating func scanString() throws -> String {
        let (end, escaped) = try endOfString(from: position)
        let start = position + 1
        let text: String?
        if escaped {
            text = String(validating: try unescape(from: start, to: end), as: UTF8.self)
        } else {
            text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        guard let text else { throw OvirtJSONError(offset: start, message: "a string is not valid UTF-8") }
        position = end + 1
        return text
    }

    /// The index of the closing quote of the string whose opening quote is at `quote`, checking
    /// escapes and control characters on the way.
    func endOfString(from quote: Int) throws -> (end: Int, escaped: Bool) {
        var index = quote + 1
        var escaped = false
        let count = bytes.count
        let raw = UnsafeRawPointer(bytes.baseAddress)
        while index < count {
            // Eight bytes at a time up to the first quote, backslash or control character.
            if let raw {
                while index &+ 8 <= count {
                    let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    let special = Self.zeroBytes(word ^ 0x2222_2222_2222_2222) | Self.zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                        | ((word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080)
                    if special != 0 {
                        index &+= special.trailingZeroBitCount / 8
                        break
                    }
                    index &+= 8
                }
                guard index < count else { break }
            }
            let byte = bytes[index]
            if byte > UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\"") { return (index, escaped) }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard index + 1 < count else { break }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard index + 5 < count else { index = count; continue }
                    for digit in 2...5 where Self.hexValue(bytes[index + digit]) == nil {
                        throw OvirtJSONError(offset: index, message: "invalid \\u escape in a string")
                    }
                    index += 6
                default:
                    throw OvirtJSONError(offset: index, message: "invalid escape in a string")
                }
                continue
            }
            if byte < 0x20 { throw OvirtJSONError(offset: index, message: "control character in a string") }
            index += 1
        }
        throw OvirtJSONError(offset: count, message: "unterminated string")
    }

    /// The high bit of each byte of `word` that is zero (exact for the lowest such byte, which is
    /// all the scans use).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// The UTF-8 bytes of the string contents `start..<end` with escapes decoded.
    func unescape(from start: Int, to end: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var index = start
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            let kind = bytes[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(at: index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 6 <= end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    else { throw OvirtJSONError(offset: index, message: "unpaired surrogate in a \\u escape") }
                    let low = hex4(at: index + 2)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw OvirtJSONError(offset: index, message: "unpaired surrogate in a \\u escape")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw OvirtJSONError(offset: index - 6, message: "unpaired surrogate in a \\u escape")
                }
                Self.appendUTF8(scalar, to: &out)
            default: out.append(kind)
            }
        }
        return out
    }

    /// The value of the four hex digits at `index` (already checked by ``endOfString(from:)``).
    func hex4(at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | UInt32(Self.hexValue(bytes[index + offset]) ?? 0) }
        return value
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Consumes a number (RFC 8259 grammar); true when it has no fraction or exponent.
    mutating func scanNumber() throws -> Bool {
        let count = bytes.count
        var integral = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits(_ position: inout Int) -> Int {
            let start = position
            while position < count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
            }
            return position - start
        }
        guard position < count else { throw error("unexpected end of the document") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if digits(&position) == 0 {
            throw error("invalid number")
        }
        if position < count, bytes[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard digits(&position) > 0 else { throw error("invalid number") }
        }
        if position < count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            integral = false
            position += 1
            if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits(&position) > 0 else { throw error("invalid number") }
        }
        return integral
    }

    /// `start..<end` as an integer when it is only an optional sign and 1 to 18 digits (what
    /// `Int64(String)` reads the same way, without building the string); nil otherwise.
    func plainInteger(from start: Int, to end: Int) -> Int64? {
        var index = start
        var negative = false
        if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < end, end - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// The integer literal `start..<end` (grammar already checked), or nil when it overflows Int64.
    func integer(from start: Int, to end: Int) -> Int64? {
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var value: Int64 = 0
        while index < end {
            let digit = Int64(bytes[index] - UInt8(ascii: "0"))
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? times.subtractingReportingOverflow(digit)
                : times.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = next
            index += 1
        }
        return value
    }
}
