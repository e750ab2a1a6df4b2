/// The URLs of one Proxmox VE API, derived from its configured base URL
/// (`https://pve1.example:8006/api2/json`).
struct ProxmoxEndpoints: Sendable, Hashable {
    /// The API base URL without a trailing slash.
    let apiURL: String
    /// `scheme://host[:port]`.
    let origin: String
    /// `host:port` with the scheme's default port filled in, for messages.
    let hostPort: String
    /// The path of the API URL, `/api2/json`.
    let apiPath: String

    /// Parses an `http(s)` API URL; nil when it is not one. Userinfo, query and fragment are dropped.
    init?(apiURL raw: String) {
        var text = Substring(raw.trimmingWhitespace())
        if let end = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<end] }
        while text.hasSuffix("/") { text = text.dropLast() }
        guard let schemeEnd = text.firstRange(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard !authority.isEmpty else { return nil }
        let path = rest[authorityEnd...]
        let hasPort = authority.hasPrefix("[") ? authority.firstRange(of: "]:") != nil : authority.contains(":")
        apiURL = "\(scheme)://\(authority)\(path)"
        origin = "\(scheme)://\(authority)"
        hostPort = hasPort ? String(authority) : "\(authority):\(scheme == "https" ? 443 : 80)"
        apiPath = path.isEmpty ? "" : String(path)
    }

    /// The URL of `path` (relative to the API, `cluster/resources`) with `query`.
    func url(path: String, query: [(name: String, value: String)] = []) -> String {
        var url = origin + displayPath(path)
        if !query.isEmpty {
            url += "?" + query.map { "\(ProxmoxEncoding.escape($0.name))=\(ProxmoxEncoding.escape($0.value))" }
                .joined(separator: "&")
        }
        return url
    }

    /// The URL path of `path` without origin or query, for messages: `/api2/json/cluster/resources`.
    func displayPath(_ path: String) -> String {
        let trimmed = path.drop { $0 == "/" }
        return trimmed.isEmpty ? (apiPath.isEmpty ? "/" : apiPath) : "\(apiPath)/\(trimmed)"
    }
}

/// Percent-encoding for query strings, form bodies and path segments.
enum ProxmoxEncoding {
    /// Percent-encodes everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
    static func escape(_ text: String) -> String {
        encode(text) { _ in false }
    }

    /// One path segment: unreserved characters plus `:`, `@` and the sub-delimiters stay as they
    /// are (RFC 3986 `pchar`), so a task id `UPID:pve1:…:root@pam:` reads as it is written.
    static func pathSegment(_ text: String) -> String {
        encode(text) { "!$&'()*+,;=:@".utf8.contains($0) }
    }

    /// `name=value&...` as bytes (`application/x-www-form-urlencoded`).
    static func form(_ fields: [(name: String, value: String)]) -> [UInt8] {
        Array(fields.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&").utf8)
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

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
