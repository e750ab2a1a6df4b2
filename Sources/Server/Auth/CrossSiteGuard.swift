import AggregatorCore
import Hummingbird

/// Refuses requests a web page could make on a user's behalf, before any credential is looked at.
///
/// - A state-changing request with an `Origin` other than the server's own (or `null`), or
///   with `Sec-Fetch-Site` other than `same-origin`/`none`, is a 403 `cross_site_request`: a
///   page on another site cannot post a form or a `text/plain` body to the API.
/// - With authentication off, a `Host` outside the allow-list (the listener's own names, or
///   `server.allowed_hosts`), or no `Host` at all, is a 403 `untrusted_host`: a page that
///   rebinds its own DNS name to this server's address is refused too.
/// - With authentication off, a request a proxy passed on (`Forwarded`, `X-Forwarded-For`,
///   `X-Real-IP`, `X-Forwarded-Host`) is a 403 `proxy_without_auth`: behind a proxy every
///   network client would otherwise be an anonymous admin seen as the proxy's address.
///
/// No CORS headers are ever sent, so browsers keep other origins from reading answers.
struct CrossSiteGuard: RouterMiddleware {
    typealias Context = APIRequestContext
    /// The names `Host` must be one of; nil checks nothing (authentication on, no allow-list).
    let allowedHosts: HostAllowList?
    /// Refuse requests passed on by a proxy (authentication off).
    let refuseForwarded: Bool

    static let secFetchSite = HTTPFields.Element.Name("Sec-Fetch-Site")!

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        guard RoutePolicy.requiredRole(for: request) != nil else {
            return try await next(request, context)
        }
        if refuseForwarded, ClientAddress.isForwarded(request.headers) {
            throw AccessDenied(
                status: .forbidden, code: "proxy_without_auth",
                message: "the request was passed on by a proxy (it carries a forwarding header), and this server "
                    + "runs without authentication: behind a proxy every network client would be an anonymous admin",
                fix: "configure auth.tokens or auth.jwt before putting the server behind a proxy, and list the "
                    + "proxy under server.trusted_proxies (docs/operations.md shows both)")
        }
        let authority = request.head.authority?.lowercased()
        if let allowedHosts {
            guard let authority, !authority.isEmpty else {
                throw Self.untrustedHost("the request names no Host", fix: "send a Host header (HTTP/1.1 requires one), "
                    + "e.g. use http://127.0.0.1:PORT")
            }
            let name = Self.hostName(authority)
            guard allowedHosts.contains(name) else {
                throw Self.untrustedHost("it is addressed to '\(name.prefix(100))'",
                                         fix: "use http://127.0.0.1:PORT or http://localhost:PORT, list the name under "
                                             + "server.allowed_hosts, or configure auth.tokens")
            }
        }
        if RoutePolicy.isStateChanging(request.method) {
            if let site = request.headers[Self.secFetchSite]?.lowercased(), site != "same-origin", site != "none" {
                throw Self.crossSite("the browser marked it Sec-Fetch-Site: \(site)")
            }
            if let origin = request.headers[.origin] {
                guard let authority, Self.origin(origin, matches: authority) else {
                    throw Self.crossSite("it comes from the page at \(origin.prefix(100))")
                }
            }
        }
        return try await next(request, context)
    }

    static func untrustedHost(_ reason: String, fix: String) -> AccessDenied {
        AccessDenied(status: .forbidden, code: "untrusted_host",
                     message: "without authentication the API answers only requests addressed to this server's own "
                         + "names: \(reason)",
                     fix: fix)
    }

    static func crossSite(_ reason: String) -> AccessDenied {
        AccessDenied(status: .forbidden, code: "cross_site_request",
                     message: "cross-site requests cannot change anything: \(reason)",
                     fix: "send the request from a client such as curl, not from a web page on another site")
    }

    /// `host` of `host:port`, `[v6]:port` or `host`.
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("[") {
            return authority.firstIndex(of: "]").map { String(authority[...$0]) } ?? authority
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[0]) : authority
    }

    /// True when the `Origin` header names the host and port the request was sent to.
    static func origin(_ origin: String, matches authority: String) -> Bool {
        let lowered = origin.lowercased()
        let scheme: String
        if lowered.hasPrefix("http://") {
            scheme = "http"
        } else if lowered.hasPrefix("https://") {
            scheme = "https"
        } else {
            return false  // `null` (sandboxed pages, file:) and anything else
        }
        let hostPort = String(lowered.dropFirst(scheme.count + 3))
        guard !hostPort.isEmpty, !hostPort.contains("/") else { return false }
        return withoutDefaultPort(hostPort, scheme: scheme) == withoutDefaultPort(authority, scheme: scheme)
    }

    private static func withoutDefaultPort(_ hostPort: String, scheme: String) -> String {
        let port = scheme == "https" ? ":443" : ":80"
        return hostPort.hasSuffix(port) ? String(hostPort.dropLast(port.count)) : hostPort
    }
}
