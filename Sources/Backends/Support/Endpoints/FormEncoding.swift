/// Percent-encoding for query strings, `application/x-www-form-urlencoded` bodies and URL path
/// segments, as both engines' own clients write them.
///
/// ```swift
/// FormEncoding.escape("admin@internal")                 // "admin%40internal"
/// FormEncoding.pathSegment("UPID:pve1:0001:root@pam:")  // unchanged
/// FormEncoding.body([("a", "1"), ("b c", "&")])         // bytes of "a=1&b%20c=%26"
/// ```
public enum FormEncoding {
    /// Percent-encodes everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
    public static func escape(_ text: String) -> String {
        encode(text) { _ in false }
    }

    /// One path segment: unreserved characters plus `:`, `@` and the sub-delimiters stay as they
    /// are (RFC 3986 `pchar`), so a task id `UPID:pve1:…:root@pam:` reads as it is written.
    public static func pathSegment(_ text: String) -> String {
        encode(text) { "!$&'()*+,;=:@".utf8.contains($0) }
    }

    /// `name=value&...` with both sides escaped, for a query string.
    public static func query(_ fields: [(name: String, value: String)]) -> String {
        fields.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&")
    }

    /// `name=value&...` as bytes, for an `application/x-www-form-urlencoded` body.
    public static func body(_ fields: [(name: String, value: String)]) -> [UInt8] {
        Array(query(fields).utf8)
    }

    private static func encode(_ text: String, keeping extra: (UInt8) -> Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            case _ where extra(byte):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                result.append("%")
                result.append(hex[Int(byte >> 4)])
                result.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }
}
