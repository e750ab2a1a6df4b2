import Hummingbird

extension APIError {
    /// The error body for a bare `status`, as the framework or another library raised it: a code
    /// and message derived from the status, and a fix where there is an obvious one.
    /// - Parameters:
    ///   - message: The raiser's own message, kept when there is one.
    ///   - request: Method and path, named in a 404's message.
    static func forStatus(_ status: HTTPResponse.Status, message: String? = nil, request: (method: String, path: String)? = nil)
        -> APIError
    {
        var code = status.reasonPhrase.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            .reduce(into: "") { $0.append($1) }
        if code.isEmpty { code = "http_\(status.code)" }
        var text = message
        var fix: String?
        switch status.code {
        case 400:
            text = text ?? "the request is malformed"
        case 401:
            code = "unauthorized"
            text = text ?? "authentication is required"
            fix = "send Authorization: Bearer TOKEN"
        case 403:
            text = text ?? "this token may not do that"
        case 404:
            code = "not_found"
            text = text ?? (request.map { "no route for \($0.method) \(Self.shown($0.path))" } ?? "no such route")
            fix = "GET / lists the endpoints"
        case 405:
            text = text ?? "the method is not allowed here"
        case 408:
            text = text ?? "the request took too long to arrive"
        case 413:
            code = "upload_too_large"
            text = text ?? "the request body is too large"
            fix = "split the file, or raise server.max_upload_bytes in the configuration"
        case 431:
            text = text ?? "the request headers are too large"
        case 500...:
            code = status.code == 500 ? "internal_error" : code
            text = text ?? "the server could not answer this request"
            fix = "retry; if it persists, report it with the time of the request"
        default:
            text = text ?? status.reasonPhrase
        }
        return APIError(status, code: code, message: text ?? status.reasonPhrase, fix: fix)
    }

    private static func shown(_ path: String) -> String {
        path.count <= 200 ? path : String(path.prefix(197)) + "..."
    }
}
