/// A header value of the form `type/subtype; name=value; name="quoted value"` (RFC 9110 §5.6.6,
/// the grammar of `Content-Type` and, without a subtype, of `Content-Disposition`).
///
/// Quoted strings are read whole, with `\"` escapes, so a `;` or `name=` inside quotes stays part
/// of the value. A parameter given twice makes the value malformed, so no reader can be made
/// to pick a different one than this one.
public struct MediaType: Sendable, Hashable {
    /// The type, lowercased: `multipart/form-data`, `application/json`, `form-data`.
    public var type: String
    /// Parameters by lowercased name, values as written (quotes and escapes removed).
    public var parameters: [String: String]

    /// Parses `text`.
    /// - Parameter requireSubtype: Whether the type must be `type/subtype` (a content type) or a
    ///   single token (a disposition).
    /// - Throws: ``MultipartFormData/Malformed`` saying what is wrong.
    public init(parsing text: String, requireSubtype: Bool = true) throws(MultipartFormData.Malformed) {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipSpace()
        var type = reader.token()
        if requireSubtype {
            guard !type.isEmpty, reader.take(UInt8(ascii: "/")) else {
                throw MultipartFormData.Malformed("'\(Self.shown(text))' is not a media type of the form type/subtype")
            }
            let subtype = reader.token()
            guard !subtype.isEmpty else { throw MultipartFormData.Malformed("'\(Self.shown(text))' has no subtype") }
            type += "/" + subtype
        } else if type.isEmpty {
            throw MultipartFormData.Malformed("'\(Self.shown(text))' does not start with a type")
        }
        self.type = type.lowercased()
        var parameters: [String: String] = [:]
        while true {
            reader.skipSpace()
            if reader.atEnd { break }
            guard reader.take(UInt8(ascii: ";")) else {
                throw MultipartFormData.Malformed("unexpected text after '\(type)' (parameters are separated by ';')")
            }
            reader.skipSpace()
            if reader.atEnd { break }
            let name = reader.token().lowercased()
            guard !name.isEmpty, reader.take(UInt8(ascii: "=")) else {
                throw MultipartFormData.Malformed("a parameter is not of the form name=value")
            }
            let value = try reader.value()
            guard parameters.updateValue(value, forKey: name) == nil else {
                throw MultipartFormData.Malformed("the parameter '\(name)' appears twice")
            }
        }
        self.parameters = parameters
    }

    static func shown(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index >= bytes.count }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        static let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)

        mutating func token() -> String {
            let start = index
            while index < bytes.count, Self.tokenCharacters.contains(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// A quoted string, or an unquoted value up to the next `;` or space (clients often leave
        /// boundaries with `=` or `/` unquoted).
        mutating func value() throws(MultipartFormData.Malformed) -> String {
            guard take(UInt8(ascii: "\"")) else {
                let start = index
                while index < bytes.count, ![0x3B, 0x20, 0x09, 0x22].contains(bytes[index]) { index += 1 }
                return String(decoding: bytes[start..<index], as: UTF8.self)
            }
            var value: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: value, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { break }
                    value.append(bytes[index])
                    index += 1
                default:
                    value.append(byte)
                }
            }
            throw MultipartFormData.Malformed("a quoted parameter value is not closed")
        }
    }
}
