import BackendSupport

/// One forward pass over a JSON document that materialises only what its caller asks for.
///
/// The listing decoders (``OvirtListingDecoder``) walk an engine answer with it: members the
/// backend keeps are read as values, everything else is skipped by scanning bytes, without
/// building strings, numbers or containers. Work is linear in the input, nesting is limited to
/// ``maxDepth``, and every malformed input ends in an ``OvirtJSONError`` (never a trap).
///
/// Strictness follows RFC 8259 for the structure (commas, colons, literals, number grammar,
/// no control characters in strings, valid escapes, nothing after the value). Strings that are
/// kept are checked to be UTF-8 and have their escapes decoded (`\uXXXX` with surrogate pairs);
/// skipped strings are only scanned for their end.
///
/// - Important: The reader points into the caller's buffer; use it only inside ``parse(_:_:)``.
struct OvirtJSONReader {
    /// Containers nested deeper than this are refused.
    static let maxDepth = 64

    /// A member name: its bytes between the quotes, and whether they contain escapes.
    struct Key {
        let start: Int
        let end: Int
        let escaped: Bool
    }

    // Internal (not private) for the scanning in `OvirtJSONReader+Scanning.swift`.
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Runs `read` over `body`, then checks that nothing but whitespace follows the value.
    static func parse<T>(_ body: [UInt8], _ read: (inout OvirtJSONReader) throws -> T) throws -> T {
        try body.withUnsafeBufferPointer { buffer in
            var reader = OvirtJSONReader(buffer)
            let value = try read(&reader)
            reader.skipWhitespace()
            guard reader.position == buffer.count else {
                throw reader.error("unexpected data after the JSON value")
            }
            return value
        }
    }

    // MARK: - Containers

    /// The first byte of the next value (whitespace skipped), without consuming it.
    @inline(__always)
    mutating func peek() throws -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of the document") }
        return bytes[position]
    }

    /// Calls `body` for each member of the object that starts here; `body` must consume the
    /// member's value (read it or ``skipValue()``).
    mutating func forEachMember(_ body: (inout OvirtJSONReader, Key) throws -> Void) throws {
        guard try peek() == UInt8(ascii: "{") else { throw error("expected an object") }
        try enter()
        var next = try peek()
        if next == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return
        }
        while true {
            guard next == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try scanKey()
            guard try peek() == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
            position += 1
            try body(&self, key)
            next = try peek()
            position += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else {
                position -= 1
                throw error("expected ',' or '}' in an object")
            }
            next = try peek()
        }
        depth -= 1
    }

    /// Calls `body` for each element of the array that starts here; `body` must consume it.
    mutating func forEachElement(_ body: (inout OvirtJSONReader) throws -> Void) throws {
        guard try peek() == UInt8(ascii: "[") else { throw error("expected an array") }
        try enter()
        if try peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return
        }
        while true {
            try body(&self)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else {
                position -= 1
                throw error("expected ',' or ']' in an array")
            }
        }
        depth -= 1
    }

    /// Calls `body` with the position in `names` of each member's name, the first time that
    /// name appears; other members (unknown names, repeated names) are skipped. Keeping the first
    /// of repeated members is what `JSONDecoder` does too.
    mutating func forEachField(_ names: [StaticString], _ body: (inout OvirtJSONReader, Int) throws -> Void) throws {
        var seen: UInt64 = 0
        try forEachMember { reader, key in
            guard let field = reader.field(key, names), seen & (1 << UInt64(field)) == 0 else {
                try reader.skipValue()
                return
            }
            seen |= 1 << UInt64(field)
            try body(&reader, field)
        }
    }

    /// ``forEachField(_:_:)`` for an object or `null`; false (and nothing read) for `null`.
    mutating func readFields(_ names: [StaticString], _ body: (inout OvirtJSONReader, Int) throws -> Void) throws -> Bool {
        switch try peek() {
        case UInt8(ascii: "{"):
            try forEachField(names, body)
            return true
        case UInt8(ascii: "n"):
            try literal("null")
            return false
        default:
            throw error("expected an object or null")
        }
    }

    /// The position of `key` in `names` (at most 64 names).
    private func field(_ key: Key, _ names: [StaticString]) -> Int? {
        for index in names.indices where matches(key, names[index]) { return index }
        return nil
    }

    /// Whether `key` is `name`.
    func matches(_ key: Key, _ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        if key.escaped {
            guard let decoded = try? unescape(from: key.start, to: key.end) else { return false }
            return decoded.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: count))
        }
        guard key.end - key.start == count else { return false }
        let literal = name.utf8Start
        var index = 0
        while index < count {
            if bytes[key.start + index] != literal[index] { return false }
            index += 1
        }
        return true
    }

    // MARK: - Scalars

    /// A string, or nil for `null`; anything else is an error.
    mutating func readString() throws -> String? {
        switch try peek() {
        case UInt8(ascii: "\""):
            return try scanString()
        case UInt8(ascii: "n"):
            try literal("null")
            return nil
        default:
            throw error("expected a string or null")
        }
    }

    /// An integer as ``OvirtInt`` reads it: a number (integral, within Int64), a numeric string
    /// (whitespace trimmed), or nil for `null`.
    mutating func readInt() throws -> OvirtInt? {
        let first = try peek()
        switch first {
        case UInt8(ascii: "n"):
            try literal("null")
            return nil
        case UInt8(ascii: "\""):
            let start = position
            let (end, escaped) = try endOfString(from: start)
            if !escaped, let value = plainInteger(from: start + 1, to: end) {
                position = end + 1
                return OvirtInt(value)
            }
            let text = try scanString()
            guard let value = Int64(text.trimmingWhitespace()) else {
                throw OvirtJSONError(offset: start, message: "expected an integer (number or numeric string)")
            }
            return OvirtInt(value)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            let integral = try scanNumber()
            if integral, let value = integer(from: start, to: position) { return OvirtInt(value) }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            guard let number = Double(text), number.isFinite, number.rounded() == number, abs(number) < 9.2e18 else {
                throw OvirtJSONError(offset: start, message: "expected an integer (number or numeric string)")
            }
            return OvirtInt(Int64(number))
        default:
            throw error("expected an integer (number or numeric string)")
        }
    }

    /// A scalar's text as written (string contents decoded, numbers and literals verbatim), or nil
    /// for `null`; objects and arrays are errors.
    mutating func readScalarText() throws -> String? {
        let first = try peek()
        switch first {
        case UInt8(ascii: "\""):
            return try scanString()
        case UInt8(ascii: "n"):
            try literal("null")
            return nil
        case UInt8(ascii: "t"):
            try literal("true")
            return "true"
        case UInt8(ascii: "f"):
            try literal("false")
            return "false"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            _ = try scanNumber()
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        default:
            throw error("expected a scalar")
        }
    }

    /// Consumes one value of any kind without building it: one loop over the bytes with a bit
    /// per open container (no recursion, no closures), checking the structure as it goes.
    mutating func skipValue() throws {
        var arrays: UInt64 = 0
        var level = 0
        while true {
            // A value.
            switch try peek() {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isArray = bytes[position] == UInt8(ascii: "[")
                guard depth + level < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
                position += 1
                let next = try peek()
                if next == (isArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
                    position += 1
                } else {
                    let bit: UInt64 = 1 << UInt64(level)
                    if isArray { arrays |= bit } else { arrays &= ~bit }
                    level += 1
                    if !isArray { try skipMemberName() }
                    continue
                }
            case UInt8(ascii: "\""):
                position = try endOfString(from: position).end + 1
            case UInt8(ascii: "t"):
                try literal("true")
            case UInt8(ascii: "f"):
                try literal("false")
            case UInt8(ascii: "n"):
                try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                _ = try scanNumber()
            default:
                throw error("unexpected character")
            }
            // After a value: close containers until one continues with a comma.
            while level > 0 {
                let isArray = arrays & (1 << UInt64(level - 1)) != 0
                let next = try peek()
                position += 1
                if next == UInt8(ascii: ",") {
                    if !isArray { try skipMemberName() }
                    break
                }
                guard next == (isArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) else {
                    position -= 1
                    throw error(isArray ? "expected ',' or ']' in an array" : "expected ',' or '}' in an object")
                }
                level -= 1
            }
            if level == 0 { return }
        }
    }

    /// Skips `"name" :` inside an object being skipped.
    private mutating func skipMemberName() throws {
        guard try peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
        position = try endOfString(from: position).end + 1
        guard try peek() == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
        position += 1
    }

    /// An error at the current position.
    func error(_ message: String) -> OvirtJSONError {
        OvirtJSONError(offset: position, message: message)
    }
}
