import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line to standard error, for log
/// shippers (`aggregator --log-format json`). swift-log ships only a text handler.
///
/// ```json
/// {"time":"2026-12-02T15:20:01.123Z","level":"info","label":"aggregator","message":"Request","http.status":"200","request.id":"9f2c…"}
/// ```
/// Metadata keys become members (nested values flattened to their text); `time`, `level`,
/// `label`, `message` and `source` are never overwritten by metadata.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable ([UInt8]) -> Void

    /// A handler writing to standard error.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in
            // One write(2) per line, so lines from concurrent tasks never interleave.
            line.withUnsafeBufferPointer { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    /// A handler giving each line (ending in a newline) to `write`.
    public init(label: String, write: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static let reserved: Set<String> = ["time", "level", "label", "message", "source"]

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        var writer = JSONByteWriter(capacity: 256)
        writer.beginObject()
        writer.field("time", Self.timestamp(Date()))
        writer.field("level", event.level.rawValue)
        writer.field("label", label)
        writer.field("message", event.message.description)
        writer.field("source", event.source)
        for key in merged.keys.sorted() where !Self.reserved.contains(key) {
            writer.field(dynamic: key, merged[key].map(\.description) ?? "")
        }
        writer.endObject()
        write(writer.bytes + [UInt8(ascii: "\n")])
    }

    /// `2026-12-02T15:20:01.123Z`.
    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
