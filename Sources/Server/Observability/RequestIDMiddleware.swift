import AggregatorCore
import Hummingbird
import Logging

/// Gives every request an id and writes one access line when it ends.
///
/// The id is the client's `X-Request-Id` when that is a short token (at most
/// ``RequestID/maxLength`` characters of letters, digits, `.`, `_`, `-`), else a new random one.
/// It is returned in `X-Request-Id`, carried in the request's log metadata (`request.id`), in
/// ``RequestID/current`` for the request's task (the create flow stores it in each job and
/// derives the engines' correlation ids from it), and in the access line:
/// method, path (without the query), status, duration, request id and client address.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        let id = request.headers[RequestID.header].flatMap(RequestID.accepting) ?? RequestID.generate()
        var context = context
        context.logger[metadataKey: "request.id"] = "\(id)"
        let start = ContinuousClock.now
        let client = context.clientDescription ?? "-"
        do {
            var response = try await RequestID.$current.withValue(id) { try await next(request, context) }
            response.headers[RequestID.header] = id
            log(request, context: context, status: response.status.code, start: start, client: client)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(request, context: context, status: status, start: start, client: client)
            if var answered = error as? APIError {
                answered.headers[RequestID.header] = id
                throw answered
            }
            throw error
        }
    }

    private func log(_ request: Request, context: APIRequestContext, status: Int, start: ContinuousClock.Instant,
                     client: String) {
        let duration = ContinuousClock.now - start
        context.logger.info("Request", metadata: [
            "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
            "http.status": "\(status)", "duration.ms": "\(duration.milliseconds)", "client.address": "\(client)",
        ])
    }
}

/// The id of the request being served.
enum RequestID {
    /// Set for the duration of a request's handler.
    @TaskLocal static var current: String?

    /// Longest client id accepted: engine correlation ids are the request id plus a short
    /// suffix, and oVirt keeps 50 characters of them.
    static let maxLength = 40

    static func accepting(_ value: String) -> String? {
        guard (1...maxLength).contains(value.utf8.count),
              value.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
                  || $0 == UInt8(ascii: "-") })
        else { return nil }
        return value
    }

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}

extension RequestID {
    /// `X-Request-Id`.
    static let header = HTTPFields.Element.Name("X-Request-Id")!
}
