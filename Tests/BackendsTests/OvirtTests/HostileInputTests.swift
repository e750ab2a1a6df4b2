import AggregatorCore
import Foundation
import Testing

@testable import OvirtBackend

/// A deterministic generator (SplitMix64), so a failing case can be replayed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Whatever bytes an engine (or something in front of it) sends, the listing decoder returns
/// or throws ``OvirtJSONError``: it never traps, never recurses without bound, never hangs.
@Suite("Listing decoder on hostile input")
struct HostileInputTests {
    /// Decodes `body` as every listing kind; only `OvirtJSONError` may come out.
    private func survive(_ body: [UInt8], _ label: @autoclosure () -> String) {
        let decoders: [([UInt8]) throws -> Int] = [
            { try OvirtListingDecoder.vms($0).count }, { try OvirtListingDecoder.hosts($0).count },
            { try OvirtListingDecoder.clusters($0).count }, { try OvirtListingDecoder.events($0).count },
            { _ = try OvirtListingDecoder.vm($0); return 1 },
        ]
        for decode in decoders {
            do {
                _ = try decode(body)
            } catch is OvirtJSONError {
            } catch {
                Issue.record("\(label()): unexpected error \(error)")
            }
        }
    }

    private static let page = Array(EngineFixtures.vms.utf8)

    @Test("every truncation of a page is refused")
    func truncated() throws {
        let end = Self.page.lastIndex(of: UInt8(ascii: "}"))!
        for length in 0...end {
            #expect(throws: OvirtJSONError.self) { try OvirtListingDecoder.vms(Array(Self.page[..<length])) }
        }
        #expect(try OvirtListingDecoder.vms(Array(Self.page[...end])).count == 2)
    }

    @Test("nesting is bounded: 64 levels decode, deeper is refused, 200 000 levels do not overflow the stack")
    func deepNesting() throws {
        func nested(_ levels: Int) -> [UInt8] {
            // The document, the vm array and the vm object are three levels.
            Array(("{\"vm\":[{\"x\":" + String(repeating: "[", count: levels - 3)
                + String(repeating: "]", count: levels - 3) + "}]}").utf8)
        }
        #expect(try OvirtListingDecoder.vms(nested(OvirtJSONReader.maxDepth)).count == 1)
        let error = #expect(throws: OvirtJSONError.self) { try OvirtListingDecoder.vms(nested(OvirtJSONReader.maxDepth + 1)) }
        #expect(error?.message.contains("nesting") == true)
        survive(Array(String(repeating: "[", count: 200_000).utf8), "200 000 [")
        survive(Array(("{\"vm\":[{\"skipped\":" + String(repeating: "[", count: 200_000)).utf8), "200 000 [ in a skipped member")
        survive(Array(String(repeating: "{\"a\":", count: 100_000).utf8), "100 000 {\"a\":")
    }

    @Test("huge strings, kept and skipped")
    func hugeStrings() throws {
        let text = String(repeating: "é0123456789", count: 1 << 20)
        let body = Array("{\"vm\":[{\"id\":\"1\",\"name\":\"\(text)\",\"skipped\":\"\(text)\"}]}".utf8)
        #expect(try OvirtListingDecoder.vms(body).first?.name == text)
        survive(Array(("{\"vm\":[{\"name\":\"" + text).utf8), "unterminated huge string")
    }

    @Test("malformed scalars, escapes and structure", arguments: [
        "", " ", "{", "}", "[", "]", "{\"vm\"}", "{\"vm\":}", "{\"vm\":[,]}", "{\"vm\":[{},]}", "{\"vm\":[]}x",
        "{\"vm\":[{\"id\":\"\\x\"}]}", "{\"vm\":[{\"id\":\"\\u12\"}]}", "{\"vm\":[{\"id\":\"\\ud800\"}]}",
        "{\"vm\":[{\"id\":\"\\udc00\"}]}", "{\"vm\":[{\"id\":\"\\ud800\\u0041\"}]}", "{\"vm\":[{\"id\":\"a\u{01}b\"}]}",
        "{\"vm\":[{\"memory\":01}]}", "{\"vm\":[{\"memory\":-}]}", "{\"vm\":[{\"memory\":1.}]}", "{\"vm\":[{\"memory\":1e}]}",
        "{\"vm\":[{\"a\":tru}]}", "{\"vm\":[{\"a\":nul}]}", "{\"vm\":[{\"a\":+1}]}", "{'vm':[]}", "{\"vm\":[{\"a\" 1}]}",
    ])
    func malformed(json: String) {
        #expect(throws: OvirtJSONError.self) { try OvirtListingDecoder.vms(Array(json.utf8)) }
    }

    @Test("invalid UTF-8 in a kept string is refused, in a skipped one tolerated")
    func invalidUTF8() throws {
        let kept: [UInt8] = Array(#"{"vm":[{"id":"1","name":""#.utf8) + [0xC3, 0x28] + Array(#""}]}"#.utf8)
        #expect(throws: OvirtJSONError.self) { try OvirtListingDecoder.vms(kept) }
        let skipped: [UInt8] = Array(#"{"vm":[{"id":"1","other":""#.utf8) + [0xFF] + Array(#""}]}"#.utf8)
        #expect(try OvirtListingDecoder.vms(skipped).count == 1)
    }

    @Test("random garbage", .timeLimit(.minutes(2)))
    func garbage() {
        var random = SplitMix64(state: 0x5EED)
        let alphabet = Array("{}[]\":,\\ tfnul0123456789-.eE+\"vmidname".utf8)
        for round in 0..<2000 {
            let count = Int.random(in: 0...400, using: &random)
            let body: [UInt8] = (0..<count).map { _ in
                Bool.random(using: &random) ? UInt8.random(in: 0...255, using: &random)
                    : alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
            }
            survive(body, "garbage round \(round)")
        }
    }

    @Test("3000 random mutations of a real page never crash; when both decoders accept one, they agree",
          .timeLimit(.minutes(3)))
    func mutations() throws {
        var random = SplitMix64(state: 0xC0FFEE)
        let structural = Array("{}[]\":,\\ 0-\"".utf8)
        let page = Self.page
        var acceptedByBoth = 0
        for round in 0..<3000 {
            var body = page
            for _ in 0..<Int.random(in: 1...4, using: &random) where !body.isEmpty {
                let at = Int.random(in: 0..<body.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: body[at] = UInt8.random(in: 0...255, using: &random)
                case 1: body.insert(structural[Int.random(in: 0..<structural.count, using: &random)], at: at)
                case 2: body.removeSubrange(at..<min(body.count, at + Int.random(in: 1...40, using: &random)))
                case 3:
                    let end = min(body.count, at + Int.random(in: 1...200, using: &random))
                    body.insert(contentsOf: body[at..<end], at: end)
                default: body.removeSubrange(at...)
                }
            }
            survive(body, "mutation round \(round)")
            guard let expected = try? JSONDecoder().decode(OvirtCollection<OvirtVM>.self, from: Data(body)).items,
                  let actual = try? OvirtListingDecoder.vms(body)
            else { continue }
            acceptedByBoth += 1
            #expect(expected.compactMap { OvirtMapping.vm($0, engine: "e", names: OvirtNameIndex()) }
                == actual.compactMap { OvirtMapping.vm($0, engine: "e", names: OvirtNameIndex()) },
                "mutation round \(round)")
        }
        #expect(acceptedByBoth > 0)
    }
}
