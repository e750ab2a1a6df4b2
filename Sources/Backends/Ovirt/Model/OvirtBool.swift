import BackendSupport

/// A boolean as the engine writes it: `true`/`false` or the strings `"true"`/`"false"`.
struct OvirtBool: Decodable, Sendable, Hashable {
    var value: Bool

    init(_ value: Bool) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            value = flag
        } else if let text = try? container.decode(String.self) {
            switch text.trimmingWhitespace().lowercased() {
            case "true", "1": value = true
            case "false", "0": value = false
            default:
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected a boolean, found '\(text.prefix(20))'")
            }
        } else if let number = try? container.decode(Int64.self) {
            value = number != 0
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a boolean")
        }
    }
}
