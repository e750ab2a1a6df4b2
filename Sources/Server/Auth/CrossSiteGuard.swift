import AggregatorCore
import Hummingbird

/// Refuses requests a web page could make on a user's behalf, before any credential is looked at.
///
/// - A state-changing request with an `Origin` other than the server's own (or `null`), or
///   with `Sec-Fetch-Site` other than `same-origin`/`none`, is a 403 `cross_site_request`: a
///   page on another site cannot post a form or a `text/plain` body to the API.
/// - With authentication off on a loopback listener, a `Host` that is not a loopback name is a
///   403 `untrusted_host`: a page that rebinds its own DNS name to 127.0.0.1 is refused too.
///
/// No CORS headers are ever sent, so browsers keep other origins from reading answers.
struct CrossSiteGuard: RouterMiddleware {
    typealias Context = APIRequestContext
    /// Check `Host` against loopback names (authentication off, loopback listener).
    let loopbackHostsOnly: Bool

    static let secFetchSite = HTTPFields.Element.Name("Sec-Fetch-Site")!

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        guard RoutePolicy.requiredRole(for: request) != nil else {
            return try await next(request, context)
        }
        let authority = request.head.authority?.lowercased()
        if loopbackHostsOnly, let authority, !LoopbackAddress.contains(Self.hostName(authority)) {
            throw AccessDenied(
                status: .forbidden, code: "untrusted_host",
                message: "without authentication the API answers only requests addressed to this machine's "
                    + "loopback names, not '\(Self.hostName(authority))'",
                fix: "use http://127.0.0.1:PORT or http://localhost:PORT, or configure auth.tokens")
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
