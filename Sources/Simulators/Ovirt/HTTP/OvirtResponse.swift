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

    /// A document of pre-rendered objects, byte for byte what
    /// ``document(_:format:status:)`` writes for the same objects.
    static func rendered(_ document: RenderedDocument, format: OvirtFormat) -> Response {
        var pieces: [String] = []
        switch (document, format) {
        case (.object(let text), .json):
            pieces = [text]
        case (.object(let text), .xml):
            pieces = [XMLWriter.declaration, text]
        case (.collection(_, _, let items), .json) where items.isEmpty:
            pieces = [JSONWriter.emptyCollection]
        case (.collection(_, let item, let items), .json):
            pieces.reserveCapacity(items.count * 2 + 1)
            pieces.append(JSONWriter.collectionPrefix(item: item))
            for (index, text) in items.enumerated() {
                if index > 0 { pieces.append(JSONWriter.itemSeparator) }
                pieces.append(text)
            }
            pieces.append(JSONWriter.collectionSuffix)
        case (.collection(let name, _, let items), .xml) where items.isEmpty:
            pieces = [XMLWriter.declaration, "<\(name)/>\n"]
        case (.collection(let name, _, let items), .xml):
            pieces.reserveCapacity(items.count + 3)
            pieces.append(XMLWriter.declaration)
            pieces.append("<\(name)>\n")
            pieces.append(contentsOf: items)
            pieces.append("</\(name)>\n")
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(pieces.reduce(0) { $0 + $1.utf8.count })
        for piece in pieces { buffer.writeString(piece) }
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
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
