import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builders for the answers `pve-http-server` sends.
enum PVEResponse {
    static let contentType = "application/json;charset=UTF-8"

    /// `{"data": …}` (with `total` when the method set it).
    static func success(_ result: APIResult) -> Response {
        var envelope: [String: PVEJSON] = ["data": result.data]
        if let total = result.total, total != 0 { envelope["total"] = .int(total) }
        return json(.object(envelope), status: .ok)
    }

    /// An error: the message's first line as reason phrase and, unless the
    /// real server sends none, `{"data":null,"message":…}` plus `errors`.
    static func failure(_ error: PVEError) -> Response {
        let status = HTTPResponse.Status(code: error.status, reasonPhrase: error.reason)
        guard !error.bodyless else {
            return Response(status: status, headers: standardHeaders(contentLength: 0), body: ResponseBody())
        }
        var envelope: [String: PVEJSON] = ["data": .null, "message": .string(error.message)]
        if let errors = error.errors { envelope["errors"] = .object(errors.mapValues { .string($0) }) }
        return json(.object(envelope), status: status)
    }

    /// A plain error the server writes before any handler runs (`$self->error`):
    /// the message is also the body, without a content type.
    static func serverError(_ code: Int, _ message: String) -> Response {
        let reason = message.split(separator: "\n").first.map(String.init) ?? ""
        var headers = standardHeaders(contentLength: message.utf8.count)
        headers[.contentType] = nil
        return Response(
            status: HTTPResponse.Status(code: code, reasonPhrase: reason),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: message))
        )
    }

    static func json(_ value: PVEJSON, status: HTTPResponse.Status) -> Response {
        let text = value.serialized()
        var headers = standardHeaders(contentLength: text.utf8.count)
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `Cache-Control`, `Pragma`, `Expires` and `Server` as the API daemon sends them.
    private static func standardHeaders(contentLength: Int) -> HTTPFields {
        var headers = HTTPFields()
        headers[.cacheControl] = "max-age=0"
        headers[.server] = "pve-api-daemon/3.0"
        headers[HTTPField.Name("Pragma")!] = "no-cache"
        headers[.contentLength] = String(contentLength)
        return headers
    }
}
