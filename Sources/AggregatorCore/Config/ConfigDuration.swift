import Foundation

/// A duration written in YAML as `10s`, `500ms`, `2m`, `1h` or a bare number of seconds.
public struct ConfigDuration: Decodable, Sendable, Hashable {
    public var duration: Duration

    public init(_ duration: Duration) { self.duration = duration }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = Self.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath,
                      debugDescription: "must be a duration such as 10s, 500ms or 2m, found '\(text)'"))
        }
        duration = parsed
    }

    /// Longest duration accepted: 365 days (a larger number once overflowed the conversion and
    /// stopped the process).
    public static let maximum = Duration.seconds(365 * 24 * 3600)

    /// Parses `10s`, `500ms`, `2m`, `1h` or a bare number of seconds; nil when invalid, not
    /// positive or longer than ``maximum``.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var milliseconds: Double?
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            milliseconds = Double(trimmed.dropLast(suffix.count)).map { $0 * scale * 1000 }
            break
        }
        guard let value = milliseconds ?? Double(trimmed).map({ $0 * 1000 }), value > 0, value.isFinite,
              value <= Double(maximum.milliseconds)
        else { return nil }
        return .milliseconds(Int64(value.rounded()))
    }
}

extension Duration {
    /// Whole milliseconds, for logs and JSON.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
