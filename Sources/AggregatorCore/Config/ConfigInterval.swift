/// An interval written in YAML as a ``ConfigDuration`` (`60s`, `5m`), or `0` / `off` for never.
public struct ConfigInterval: Decodable, Sendable, Hashable {
    /// The interval; zero for never.
    public var duration: Duration

    public init(_ duration: Duration) { self.duration = duration }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if ["0", "0s", "0ms", "off"].contains(text.lowercased()) {
            duration = .zero
        } else if let parsed = ConfigDuration.parse(text) {
            duration = parsed
        } else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath,
                      debugDescription: "must be a duration such as 60s or 5m, or 0 to turn it off, found '\(text)'"))
        }
    }
}
