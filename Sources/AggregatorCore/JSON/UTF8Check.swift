import Foundation

/// Checks one UTF-8 sequence against the well-formed byte sequences of the Unicode standard
/// (table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF.
enum UTF8Check {
    enum Outcome: Equatable {
        /// A well-formed sequence of this many bytes.
        case valid(Int)
        case invalid(String)
    }

    static let fix = "save the file as UTF-8 (text in another encoding, such as Windows-1251, is not accepted)"

    /// The sequence starting at `index`, whose first byte is at least 0x80.
    static func sequence(in bytes: [UInt8], at index: Int) -> Outcome {
        let lead = bytes[index]
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; second = 0x80...0x9F
        case 0xF0: length = 4; second = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; second = 0x80...0x8F
        default: return .invalid(message(bytes, index, count: 1))
        }
        for offset in 1..<length {
            let allowed = offset == 1 ? second : 0x80...0xBF
            guard index + offset < bytes.count, allowed.contains(bytes[index + offset]) else {
                return .invalid(message(bytes, index, count: min(offset + 1, bytes.count - index)))
            }
        }
        return .valid(length)
    }

    private static func message(_ bytes: [UInt8], _ index: Int, count: Int) -> String {
        let shown = bytes[index..<index + count].map { String(format: "0x%02X", $0) }.joined(separator: " ")
        return "invalid UTF-8 (bytes \(shown))"
    }

    /// A well-formed character as an error message shows it: `'Т' (U+0422)`.
    static func describeCharacter(in bytes: [UInt8], at index: Int) -> String {
        guard case .valid(let length) = sequence(in: bytes, at: index),
              let scalar = String(decoding: bytes[index..<index + length], as: UTF8.self).unicodeScalars.first
        else { return "byte" }
        return "'\(scalar)' (U+\(String(format: "%04X", scalar.value)))"
    }
}
