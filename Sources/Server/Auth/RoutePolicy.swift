import AggregatorCore
import Hummingbird
import WebUI

/// Which role each request needs, from its method and path alone.
///
/// Paths are split into components the way the router splits them (empty components
/// dropped, case kept), so a request cannot reach a route under a spelling the policy reads
/// differently.
///
/// | request | needs |
/// |---|---|
/// | `GET /health`, `GET /ready`, `GET /openapi.json` | nothing |
/// | the web face's page shells and assets (`GET /vms`, `/ui/...`, `/` from a browser) | nothing |
/// | anything under `/api/v1/audit` or `/api/v1/admin` | `admin` |
/// | other `GET`/`HEAD` (listings, jobs, backends, `/`) | `reader` |
/// | any other method (creates, dry runs, future changes) | `operator` |
public enum RoutePolicy {
    /// The role `request` needs, or nil for the public probes and the web face's shells and
    /// assets, which hold no data (``WebController/servesWithoutData(method:path:accept:)``):
    /// their script calls the API with the reader's own token.
    public static func requiredRole(for request: Request) -> Role? {
        if WebController.servesWithoutData(method: request.method, path: request.uri.path,
                                           accept: request.headers[values: .accept])
        {
            return nil
        }
        return requiredRole(method: request.method, path: request.uri.path)
    }

    /// The role `method` on `path` needs, or nil for the public probes.
    public static func requiredRole(method: HTTPRequest.Method, path: String) -> Role? {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        let safe = !isStateChanging(method)
        if safe, components.count == 1, ["health", "ready", "openapi.json"].contains(components[0]) {
            return nil
        }
        if components.count >= 3, components[0] == "api", components[1] == "v1",
           components[2] == "audit" || components[2] == "admin"
        {
            return .admin
        }
        return safe ? .reader : .operator
    }

    /// Everything but `GET`, `HEAD` and `OPTIONS` may change something.
    public static func isStateChanging(_ method: HTTPRequest.Method) -> Bool {
        !(method == .get || method == .head || method == .options)
    }
}
