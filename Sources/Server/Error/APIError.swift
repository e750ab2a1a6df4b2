import AggregatorCore
import Foundation
import Hummingbird

/// An error answered to an API client as JSON: `{"error": {"code": ..., "message": ..., "fix": ...}}`.
///
/// Every failure the API reports is one of these, with a deliberate status: a bad request is
/// 400/404/413/422, engines that all failed are 502 — never a bare 500.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// Machine-readable code (`unknown_engine`, `bad_filter`, `all_engines_failed`).
    public var code: String
    public var message: String
    /// How to fix the request, when there is an obvious fix.
    public var fix: String?
    /// Per-engine statuses, when the error is about engines.
    public var engines: [EngineStatus]?
    /// Every problem of an invalid upload, with field paths.
    public var issues: [ValidationIssue]?
    /// Extra response headers (`Allow`, `WWW-Authenticate`, `Connection: close`).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, fix: String? = nil,
                engines: [EngineStatus]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.fix = fix
        self.engines = engines
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = APIErrorBody(error: .init(code: code, message: message, fix: fix),
                                engines: engines?.map(EngineStatusBody.init), issues: issues)
        var response = try JSONBody.response(status: status, encoding: body)
        response.headers.append(contentsOf: headers)
        return response
    }
}

/// The JSON body of an ``APIError``.
struct APIErrorBody: Encodable {
    struct Detail: Encodable {
        var code: String
        var message: String
        var fix: String?
    }
    var error: Detail
    var engines: [EngineStatusBody]?
    var issues: [ValidationIssue]?
}
