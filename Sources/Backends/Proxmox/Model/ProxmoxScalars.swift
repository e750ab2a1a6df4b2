import BackendSupport

/// A number the API writes as a JSON number or as a string (`"2048"`): Perl's JSON encoder
/// keeps whichever form the value last had, so the same field can come either way.
struct ProxmoxNumber: Decodable, Sendable, Hashable {
    let value: Double

    init(_ value: Double) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Double(text.trimmingWhitespace()) {
            value = number
        } else if let flag = try? container.decode(Bool.self) {
            value = flag ? 1 : 0
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number")
        }
    }

    /// The value as a whole number (fractions are cut off); nil when out of range.
    var int: Int? { value.isFinite && abs(value) < 9.0e18 ? Int(value) : nil }
    var int64: Int64? { value.isFinite && abs(value) < 9.0e18 ? Int64(value) : nil }
}

/// A boolean the API writes as `1`/`0`, `true`/`false` or a string of either.
struct ProxmoxBool: Decodable, Sendable, Hashable {
    let value: Bool

    init(_ value: Bool) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            value = flag
        } else if let number = try? container.decode(Double.self) {
            value = number != 0
        } else if let text = try? container.decode(String.self) {
            value = ["1", "true", "yes", "on"].contains(text.trimmingWhitespace().lowercased())
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a boolean")
        }
    }
}

/// A configuration value as text: `cores` may come as `4` or `"4"`, `net0` as a property string.
struct ProxmoxText: Decodable, Sendable, Hashable {
    let value: String

    init(_ value: String) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(Int.self) {
            value = String(number)
        } else if let number = try? container.decode(Double.self) {
            value = number.rounded() == number && abs(number) < 9.0e18 ? String(Int64(number)) : String(number)
        } else if let flag = try? container.decode(Bool.self) {
            value = flag ? "1" : "0"
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a scalar value")
        }
    }
}
