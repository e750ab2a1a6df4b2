import AggregatorCore
import Hummingbird
import Logging

/// Gives every error answer the JSON error body `{"error": {"code", "message", "fix"}}`.
///
/// ``APIError``s pass unchanged. Errors the framework or a library raise with a bare status
/// (Hummingbird's 404 for an unknown route, a 400 from a missing parameter, a 413, a 401 with
/// its `WWW-Authenticate` header) keep their status and headers and get a code, message and fix
/// from ``APIError/forStatus(_:message:request:)``. Another ``HTTPResponseError`` that writes a
/// body of its own keeps it. The job database not answering (``JobStoreUnavailable``) is a 503
/// `database_unavailable`. Any other error is a 500 `internal_error`, logged with its type.
///
/// Add it first, so it sees what every other middleware and route throws:
/// ```swift
/// router.add(middleware: ErrorBodyMiddleware())
/// ```
public struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as JobStoreUnavailable {
            context.logger.warning("Job database unavailable", metadata: ["error": "\(error)"])
            throw APIError.databaseUnavailable(error)
        } catch let error as HTTPError {
            var converted = APIError.forStatus(error.status, message: error.body,
                                               request: (request.method.rawValue, request.uri.path))
            converted.headers = error.headers
            throw converted
        } catch let error as any HTTPResponseError {
            let response = try error.response(from: request, context: context)
            if let length = response.body.contentLength, length > 0 { return response }
            var converted = APIError.forStatus(response.status, request: (request.method.rawValue, request.uri.path))
            converted.headers = response.headers
            converted.headers[.contentLength] = nil
            throw converted
        } catch {
            context.logger.error("Request failed with an unexpected error", metadata: [
                "error.type": "\(String(reflecting: type(of: error)))",
                "http.path": "\(request.uri.path)",
            ])
            throw APIError.forStatus(.internalServerError)
        }
    }
}
