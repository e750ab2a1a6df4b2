import BackendSupport

/// An integer as the engine writes it: a JSON number (`1073741824`) or a string (`"4"`).
///
/// The engine's JSON is produced by Jackson from JAXB classes whose `int`/`long`/`boolean`
/// bindings come out as strings for most fields, while some longs (memory, dates) are numbers.
/// Every integer the backend reads goes through this type so both spellings are accepted.
struct OvirtInt: Decodable, Sendable, Hashable {
    var value: Int64

    init(_ value: Int64) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let number = try? container.decode(Double.self), number.isFinite,
                  number.rounded() == number, abs(number) < 9.2e18 {
            value = Int64(number)
        } else if let text = try? container.decode(String.self),
                  let number = Int64(text.trimmingWhitespace()) {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected an integer (number or numeric string)")
        }
    }

    var int: Int { Int(clamping: value) }
}
