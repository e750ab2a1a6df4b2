import Hummingbird

/// Answers 501 to methods the API has no use for (`FOO`, `PROPFIND`, ...) before anything
/// records them, so the request metrics' `http_request_method` label stays a short, fixed set.
struct KnownMethodMiddleware<Context: RequestContext>: RouterMiddleware {
    static var known: Set<HTTPRequest.Method> { [.get, .head, .post, .put, .delete, .patch, .options] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard Self.known.contains(request.method) else {
            throw APIError(.notImplemented, code: "unknown_method", message: "method \(request.method) is not used by this API",
                           fix: "use GET, HEAD, POST, PUT, DELETE, PATCH or OPTIONS")
        }
        return try await next(request, context)
    }
}
