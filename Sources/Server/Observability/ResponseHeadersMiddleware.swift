import Hummingbird

/// Adds `Cache-Control: no-store` (unless the answer chose its own caching, as the static
/// assets and `/openapi.json` do) and `X-Content-Type-Options: nosniff` to every answer, errors
/// included, so inventory data is never kept by a shared cache and never sniffed as another type.
struct ResponseHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            var response = try await next(request, context)
            Self.apply(to: &response.headers)
            return response
        } catch var error as APIError {
            Self.apply(to: &error.headers)
            throw error
        }
    }

    static func apply(to headers: inout HTTPFields) {
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
        if headers[.xContentTypeOptions] == nil { headers[.xContentTypeOptions] = "nosniff" }
    }
}
