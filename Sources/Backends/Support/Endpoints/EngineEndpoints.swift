/// The URLs of one engine, derived from its configured API URL
/// (`https://engine.example/ovirt-engine/api`, `https://pve1.example:8006/api2/json`).
///
/// Parsing is deliberately small and forgiving: surrounding whitespace, trailing slashes, a query,
/// a fragment and userinfo are dropped, the scheme is lower-cased, and only `http` and `https` are
/// accepted. Messages name ``hostPort`` or ``displayPath(_:)``, never the full URL, so nothing a
/// URL might carry (a query token, a password in userinfo) reaches an error or a log line.
///
/// ```swift
/// let endpoints = EngineEndpoints(apiURL: "https://pve1:8006/api2/json/")!
/// endpoints.url(path: "cluster/resources", query: [("type", "vm")])
/// // "https://pve1:8006/api2/json/cluster/resources?type=vm"
/// endpoints.hostPort  // "pve1:8006"
/// ```
public struct EngineEndpoints: Sendable, Hashable {
    /// The API base URL without a trailing slash: `https://engine.example/ovirt-engine/api`.
    public let apiURL: String
    /// `scheme://host[:port]` (the SDKs' `{scheme}://{netloc}`).
    public let origin: String
    /// `host:port` with the scheme's default port (443, 80) filled in, for messages.
    public let hostPort: String
    /// The path of the API URL (`/ovirt-engine/api`); empty when the URL has none.
    public let apiPath: String

    /// Parses an `http(s)` API URL; nil when it is not one (another scheme, no `://`, no host).
    public init?(apiURL raw: String) {
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
        // An IPv6 literal (`[::1]`) has colons of its own: only `]:` starts its port.
        let hasPort = authority.hasPrefix("[") ? authority.firstRange(of: "]:") != nil : authority.contains(":")
        apiURL = "\(scheme)://\(authority)\(path)"
        origin = "\(scheme)://\(authority)"
        hostPort = hasPort ? String(authority) : "\(authority):\(scheme == "https" ? 443 : 80)"
        apiPath = String(path)
    }

    /// Whether the engine is reached over TLS (`https`).
    public var usesTLS: Bool { origin.hasPrefix("https://") }

    /// The host part of ``hostPort``: `engine.example`, `[::1]`.
    public var host: String { Self.host(of: hostPort) }

    /// The host part of `host:port`; the port is what follows the last colon (an IPv6 literal
    /// keeps its own colons: `[::1]:443` is `[::1]`).
    static func host(of hostPort: String) -> String {
        hostPort.lastIndex(of: ":").map { String(hostPort[..<$0]) } ?? hostPort
    }

    /// The URL of `path` (relative to the API: `vms`, `cluster/resources`, `""` for the API root)
    /// with `query` percent-encoded.
    public func url(path: String, query: [(name: String, value: String)] = []) -> String {
        var url = origin + displayPath(path)
        if !query.isEmpty { url += "?" + FormEncoding.query(query) }
        return url
    }

    /// The URL path of `path`, without origin or query, for messages: `/ovirt-engine/api/vms`.
    /// The API root is its own path, or `/` when the API URL has none.
    public func displayPath(_ path: String) -> String {
        let trimmed = path.drop { $0 == "/" }
        if trimmed.isEmpty { return apiPath.isEmpty ? "/" : apiPath }
        return "\(apiPath)/\(trimmed)"
    }
}
