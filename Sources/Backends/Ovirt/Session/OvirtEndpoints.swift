/// The URLs of one engine, derived from its configured API URL the way ovirtsdk4 derives them:
/// the SSO and logout services live at `scheme://host:port/ovirt-engine/...` whatever the API path.
struct OvirtEndpoints: Sendable, Hashable {
    /// The API base URL without a trailing slash, `https://engine.example/ovirt-engine/api`.
    let apiURL: String
    /// `scheme://host[:port]`, the SDK's `{scheme}://{netloc}`.
    let origin: String
    /// `host:port` with the scheme's default port filled in, for messages.
    let hostPort: String
    /// The path of the API URL, `/ovirt-engine/api`.
    let apiPath: String

    /// Parses an `http(s)` API URL; nil when it is not one.
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

        let hasPort: Bool
        if authority.hasPrefix("[") {
            hasPort = authority.firstRange(of: "]:") != nil
        } else {
            hasPort = authority.contains(":")
        }
        apiURL = "\(scheme)://\(authority)\(path)"
        origin = "\(scheme)://\(authority)"
        hostPort = hasPort ? String(authority) : "\(authority):\(scheme == "https" ? 443 : 80)"
        apiPath = path.isEmpty ? "/" : String(path)
    }

    /// `POST` target for password logins.
    var ssoToken: String { origin + "/ovirt-engine/sso/oauth/token" }
    /// `POST` target that revokes a token (what the SDK's `close()` uses).
    var ssoLogout: String { origin + "/ovirt-engine/services/sso-logout" }
    /// The engine CA in PEM, served without authentication.
    var caCertificate: String {
        origin + "/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA"
    }

    /// The URL of `path` (relative to the API, `vms` or `""` for the root) with `query`.
    func url(path: String, query: [(name: String, value: String)] = []) -> String {
        var url = displayPath(path)
        url = origin + url
        if !query.isEmpty {
            url += "?" + query.map { "\(FormEncoding.escape($0.name))=\(FormEncoding.escape($0.value))" }
                .joined(separator: "&")
        }
        return url
    }

    /// The URL path of `path` without origin or query, for messages: `/ovirt-engine/api/vms`.
    func displayPath(_ path: String) -> String {
        let trimmed = path.drop { $0 == "/" }
        if trimmed.isEmpty { return apiPath }
        return apiPath == "/" ? "/\(trimmed)" : "\(apiPath)/\(trimmed)"
    }
}

/// `application/x-www-form-urlencoded` encoding, also used for query strings.
enum FormEncoding {
    /// Percent-encodes everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                result.append("%")
                result.append(hex[Int(byte >> 4)])
                result.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }

    /// `name=value&...` as bytes.
    static func body(_ fields: [(name: String, value: String)]) -> [UInt8] {
        Array(fields.map { "\(escape($0.name))=\(escape($0.value))" }.joined(separator: "&").utf8)
    }
}
