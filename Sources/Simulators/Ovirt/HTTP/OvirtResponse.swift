import Hummingbird
import NIOCore

/// The representation a client asked for. The engine answers XML unless the
/// `Accept` header names JSON.
enum OvirtFormat: Sendable {
    case xml
    case json

    init(accept: String?) {
        if let accept, accept.lowercased().contains("application/json") {
            self = .json
        } else {
            self = .xml
        }
    }

    var contentType: String {
        switch self {
        case .xml: "application/xml"
        case .json: "application/json"
        }
    }
}

/// Builders for the responses the simulated engine sends.
enum OvirtResponse {
    static func document(_ document: OvirtDocument, format: OvirtFormat, status: HTTPResponse.Status = .ok) -> Response {
        let text =
            switch format {
            case .xml: XMLWriter.render(document)
            case .json: JSONWriter.render(document)
            }
        return body(text, contentType: format.contentType, status: status)
    }

    /// `<fault><reason>…</reason><detail>[…]</detail></fault>`, the engine's error body.
    static func fault(
        status: HTTPResponse.Status,
        reason: String = "Operation Failed",
        detail: String,
        format: OvirtFormat
    ) -> Response {
        let node = OvirtNode.group("fault", [.string("reason", reason), .string("detail", detail)])
        return document(.object(node), format: format, status: status)
    }

    /// A status with no body, as the engine sends for 401 and for unknown ids.
    static func empty(_ status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentLength] = "0"
        return Response(status: status, headers: headers, body: ResponseBody())
    }

    static func body(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
