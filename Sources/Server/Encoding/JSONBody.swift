import AggregatorCore
import Foundation
import Hummingbird

/// JSON encoding shared by every endpoint: snake_case keys, ISO 8601 dates, stable key order.
enum JSONBody {
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
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

    /// Writes `{"key1": <raw1>, "key2": <raw2>}` keeping the given key order.
    static func orderedObject(_ members: [(key: String, rawValue: Data)]) throws -> Data {
        var out = Data("{".utf8)
        for (index, member) in members.enumerated() {
            if index > 0 { out.append(contentsOf: Array(",".utf8)) }
            out.append(try makeEncoder().encode(member.key))
            out.append(contentsOf: Array(":".utf8))
            out.append(member.rawValue)
        }
        out.append(contentsOf: Array("}".utf8))
        return out
    }
}

/// A per-engine status line as the API shows it.
public typealias EngineStatusBody = EngineStatus
