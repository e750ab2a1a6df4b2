import AggregatorCore
import EngineHTTP

extension HTTPClient {
    /// Sends `request` and returns the engine's answer, whatever its status; a transport failure
    /// becomes the ``BackendError`` `errors` maps it to (naming the request's own timeout when it
    /// has one).
    /// - Throws: ``BackendError``, or `CancellationError`.
    public func execute(_ request: HTTPRequest, errors: EngineErrorMapping) async throws -> HTTPResponse {
        do {
            return try await execute(request)
        } catch let error as HTTPClientError {
            throw errors.transport(error, timeout: request.timeout)
        }
    }
}
