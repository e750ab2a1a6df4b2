import Foundation

/// How every job store writes a job or an audit entry into its `body` column: JSON, dates in
/// milliseconds since 1970, keys sorted. One encoding, so `aggregator db copy` moves records
/// between stores unchanged.
public enum JobRecordCoding {
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from body: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(type, from: Data(body.utf8))
    }
}
