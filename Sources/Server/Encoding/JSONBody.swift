import AggregatorCore
import Foundation
import Hummingbird

/// JSON encoding shared by every endpoint: snake_case keys, ISO 8601 dates, stable key order.
enum JSONBody {
    /// The encoder settings of every `Codable` answer: snake_case keys, ISO 8601 dates, sorted
    /// keys, unescaped slashes (the bytes ``JSONByteWriter`` writes for the listings).
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Bytes written per chunk of a streamed answer.
    static let chunkSize = 64 * 1024
    /// Answers up to this size are written in one buffer rather than streamed.
    static let singleBufferLimit = 1 << 20

    /// A listing written as it goes, in chunks of ``chunkSize``, from its pieces (no copy of the
    /// whole document is made).
    static func stream(status: HTTPResponse.Status = .ok, _ document: JSONPieces) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if document.byteCount <= singleBufferLimit {
            // One buffer and one write: cheaper than chunking for the answers most requests get.
            var buffer = ByteBufferAllocator().buffer(capacity: document.byteCount)
            for piece in document.pieces { buffer.writeBytes(piece) }
            return Response(status: status, headers: headers, body: .init(byteBuffer: buffer))
        }
        let body = ResponseBody(contentLength: document.byteCount) { writer in
            var buffer = ByteBufferAllocator().buffer(capacity: min(chunkSize, document.byteCount))
            for piece in document.pieces {
                buffer.writeBytes(piece)
                if buffer.readableBytes >= chunkSize {
                    try await writer.write(buffer)
                    buffer = ByteBufferAllocator().buffer(capacity: chunkSize)
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    static func encode(_ value: some Encodable) throws -> Data {
        try makeEncoder().encode(value)
    }

    static func response(status: HTTPResponse.Status = .ok, bytes: Data) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func response(status: HTTPResponse.Status = .ok, encoding value: some Encodable) throws -> Response {
        response(status: status, bytes: try encode(value))
    }
}
