import Hummingbird
import Synchronization

/// Answers a method a route does not have with 405 and `Allow` (RFC 9110 §15.5.6), before the
/// request is routed or measured: `PUT /health` is 405 with `Allow: GET, HEAD`; a method on a
/// path no route has is 404. So the request metrics only ever see the API's own methods.
struct MethodCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let allowed = table.methods(for: request.uri.path)
        if allowed.isEmpty {
            guard RouteTable.known.contains(request.method) else {
                throw APIError(.notFound, code: "not_found", message: "no route for \(request.method) \(request.uri.path)")
            }
            return try await next(request, context)
        }
        guard allowed.contains(request.method) else {
            var error = APIError(.methodNotAllowed, code: "method_not_allowed",
                                 message: "\(request.uri.path) does not take \(request.method)",
                                 fix: "use \(RouteTable.allowHeader(allowed))")
            error.headers[.allow] = RouteTable.allowHeader(allowed)
            throw error
        }
        return try await next(request, context)
    }
}

/// The routes of the router, by path pattern, filled once every route was added.
final class RouteTable: Sendable {
    private struct Entry: Sendable {
        /// Literal components, nil for a parameter (`{id}`, `:id`).
        var pattern: [String?]
        var methods: Set<HTTPRequest.Method>
    }

    private let entries = Mutex<[Entry]>([])

    /// The methods the API uses anywhere.
    static var known: Set<HTTPRequest.Method> { [.get, .head, .post, .put, .delete, .patch, .options] }

    /// Records the router's routes (`router.routes`); HEAD goes with every GET.
    func fill(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        var byPattern: [[String?]: Set<HTTPRequest.Method>] = [:]
        for route in routes {
            let pattern = route.path.split(separator: "/").map { component -> String? in
                component.hasPrefix(":") || component.hasPrefix("{") ? nil : String(component)
            }
            byPattern[pattern, default: []].insert(route.method)
            if route.method == .get { byPattern[pattern, default: []].insert(.head) }
        }
        entries.withLock { $0 = byPattern.map { Entry(pattern: $0.key, methods: $0.value) } }
    }

    /// Every method some route takes on `path`; empty when no route matches it.
    func methods(for path: String) -> Set<HTTPRequest.Method> {
        let components = path.split(separator: "/")
        return entries.withLock { entries in
            var methods: Set<HTTPRequest.Method> = []
            for entry in entries where entry.pattern.count == components.count {
                if zip(entry.pattern, components).allSatisfy({ $0 == nil || $0! == $1 }) {
                    methods.formUnion(entry.methods)
                }
            }
            return methods
        }
    }

    /// `GET, HEAD, POST`.
    static func allowHeader(_ methods: Set<HTTPRequest.Method>) -> String {
        methods.map(\.rawValue).sorted().joined(separator: ", ")
    }
}
