import Foundation
import Testing

@testable import AggregatorCore

/// The parser under abuse: large objects, UTF-8 checked with a position, columns in characters,
/// bounded depth and size.
@Suite struct JSONParserLimitsTests {
    static func object(keys: Int) -> [UInt8] {
        var text = "{"
        text.reserveCapacity(keys * 12)
        for index in 0..<keys {
            if index > 0 { text += "," }
            text += "\"k\(index)\":\(index)"
        }
        return Array((text + "}").utf8)
    }

    /// How the parse time grows with the number of keys is measured by
    /// `benchmarks/JSONParserBench` (see benchmarks/results.md); here, that such an object parses
    /// whole and right.
    @Test func hundredThousandDistinctKeysParse() throws {
        let large = Self.object(keys: 100_000)
        let value = try JSONParser.parse(large)
        #expect(value.members?.count == 100_000)
        #expect(value["k0"]?.integer == 0)
        #expect(value["k99999"]?.integer == 99_999)
    }

    @Test func aDuplicateMemberIsFoundWhereverItIs() {
        var text = String(decoding: Self.object(keys: 10_000).dropLast(), as: UTF8.self)
        text += ",\n  \"k5000\": true}"
        #expect(throws: JSONParser.SyntaxError(message: "duplicate member \"k5000\"", line: 2, column: 12,
                                               fix: "keep one \"k5000\"")) {
            try JSONParser.parse(Array(text.utf8))
        }
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let value = try JSONParser.parse(Array(#"{"a": "Тест", "b": 1}"#.utf8))
        #expect(value["b"]?.column == 20)
        #expect(throws: JSONParser.SyntaxError(message: "unexpected 'x' where a value was expected", line: 2, column: 10)) {
            try JSONParser.parse(Array("[1,\n \"Тест\", x]".utf8))
        }
        let emoji = try JSONParser.parse(Array("[\"😀é\", 2]".utf8))
        #expect(emoji.array?[1].column == 8)
        #expect(emoji.array?[0].string == "😀é")
    }

    @Test func aNonASCIICharacterOutsideStringsIsNamed() {
        do {
            _ = try JSONParser.parse(Array("[Т]".utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.message.contains("'Т' (U+0422)"))
            #expect(error.column == 2)
        }
    }

    @Test(arguments: [
        // Windows-1251 "Тест": a lead byte followed by another lead byte.
        ([0xD2, 0xE5, 0xF1, 0xF2], "0xD2 0xE5"),
        ([0xFF], "0xFF"),
        ([0xC0, 0xAF], "0xC0"),  // overlong '/'
        ([0xED, 0xA0, 0x80], "0xED 0xA0"),  // a UTF-16 surrogate
        ([0xF4, 0x90, 0x80, 0x80], "0xF4 0x90"),  // above U+10FFFF
        ([0x80], "0x80"),  // a lone continuation byte
    ] as [([UInt8], String)])
    func invalidUTF8IsRejectedWithItsPosition(sequence: [UInt8], shown: String) {
        let bytes = Array("[\n  {\"meta\": \"Тест ".utf8) + sequence + Array("\"}]".utf8)
        do {
            _ = try JSONParser.parse(bytes)
            Issue.record("parsed")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 18)
            #expect(error.message == "invalid UTF-8 (bytes \(shown))")
            #expect(error.fix?.contains("UTF-8") == true)
        }
    }

    @Test func aSequenceCutShortAtTheEndIsInvalid() {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse([0x22, 0xE2, 0x82]) }
    }

    @Test func depthAndSizeAreBounded() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(deep.utf8)) }
        let shallower = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(Array(shallower.utf8))
        // A million open brackets stop at the depth limit, without recursing a million times.
        #expect(throws: JSONParser.SyntaxError.self) {
            try JSONParser.parse(Array(repeating: UInt8(ascii: "["), count: 1_000_000))
        }
        #expect(throws: JSONParser.SyntaxError.self) {
            try JSONParser.parse(Array("[1, 2, 3]".utf8), limits: .init(maxBytes: 8))
        }
    }

    @Test(arguments: [#"["\u+123"]"#, #"["\uD800"]"#, #"["\uDC00"]"#, #"["\uD800\u0041"]"#])
    func badUnicodeEscapesAreRejected(text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func surrogatePairEscapesDecode() throws {
        #expect(try JSONParser.parse(Array(#"["\uD83D\uDE00"]"#.utf8)).array?.first?.string == "😀")
    }

    @Test func theUploadDecoderPointsAtInvalidUTF8InMeta() throws {
        let decoder = ProvisioningRequestDecoder(engines: ["e15-test"], kind: "ovirt")
        let bytes = Array("[{\"meta\": {\"owner\": \"".utf8) + [0xCF, 0xF0] + Array("\"}}]".utf8)
        do {
            _ = try decoder.decode(bytes, action: .createVM)
            Issue.record("decoded")
        } catch {
            #expect(error.issues.count == 1)
            #expect(error.issues.first?.line == 1)
            #expect(error.issues.first?.column == 22)
            #expect(error.issues.first?.message.contains("invalid UTF-8") == true)
        }
    }

    /// The time it takes is measured by `benchmarks/JSONParserBench`; here, that it is answered.
    @Test func theDecoderAnswersAnItemOfAHundredThousandFields() {
        let decoder = ProvisioningRequestDecoder(engines: ["e15-test"], kind: "ovirt")
        let item = Array("[".utf8) + Self.object(keys: 100_000) + Array("]".utf8)
        #expect(throws: (any Error).self) { try decoder.decode(item, action: .createVM) }
    }

    @Test func aFileWithThousandsOfUnknownFieldsGetsAShortAnswer() throws {
        var meta = "{\"document_num\": \"1\""
        for index in 0..<5_000 { meta += ", \"x\(index)\": 1" }
        meta += "}"
        let decoder = ProvisioningRequestDecoder(engines: ["e15-test"], kind: "ovirt")
        do {
            _ = try decoder.decode(Array("[{\"meta\": \(meta)}]".utf8), action: .createVLAN)
            Issue.record("decoded")
        } catch {
            #expect(error.issues.count == decoder.maxIssues + 1)
            #expect(error.issues.last?.message.contains("more problems") == true)
        }
    }
}
