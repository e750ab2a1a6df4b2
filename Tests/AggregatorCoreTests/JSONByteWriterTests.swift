import AggregatorCore
import Foundation
import Testing

/// The byte writer writes each value as `JSONEncoder` does (the API's listings and the JSON log
/// lines rely on it).
@Suite struct JSONByteWriterTests {
    /// `JSONEncoder` as the API configures it, for the values compared here.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    struct Sample: Encodable {
        var a: String?
        var b: Int?
        var c: Int64?
        var d: Bool?
        var e: Date?
        var f: [String]
    }

    static func written(_ sample: Sample) -> String {
        var writer = JSONByteWriter()
        writer.beginObject()
        writer.field("a", sample.a)
        writer.field("b", sample.b)
        writer.field("c", sample.c)
        writer.field("d", sample.d)
        writer.field("e", sample.e)
        writer.field("f", sample.f)
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Strings a guest, an operator or an engine could put in a name or description.
    static let hostileStrings = [
        "", "plain", "Тест-VM", "quote \" and \\ backslash", "slash/and\\/", "tab\tnew\nline\rcr",
        "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}", "emoji 🧪👩‍💻", "\u{2028}\u{2029}", "<script>&amp;</script>",
        String(repeating: "x", count: 5000), "e\u{301}",
    ]

    @Test(arguments: hostileStrings)
    func stringsAreEscapedAsTheEncoderDoes(_ text: String) throws {
        let sample = Sample(a: text, b: -1, c: Int64.min, d: false, f: [text, "10.0.0.1"])
        #expect(Self.written(sample) == String(decoding: try Self.encoder().encode(sample), as: UTF8.self))
    }

    @Test(arguments: [-86_400.5, 0, 951_782_400, 1_700_000_000.999, 4_102_444_800, 253_402_300_799])
    func datesMatchTheEncoder(_ seconds: Double) throws {
        let sample = Sample(b: Int.max, d: true, e: Date(timeIntervalSince1970: seconds), f: [])
        #expect(Self.written(sample) == String(decoding: try Self.encoder().encode(sample), as: UTF8.self))
    }

    @Test func absentFieldsAreLeftOutAsTheEncoderDoes() throws {
        let sample = Sample(b: 0, f: [])
        #expect(Self.written(sample) == String(decoding: try Self.encoder().encode(sample), as: UTF8.self))
    }
}
