import Testing

@testable import AggregatorCore

/// The YAML loader under inputs a fuzzer finds: large mappings in linear time, alias bombs bounded.
@Suite struct YAMLLimitsTests {
    static func mapping(keys: Int) -> String {
        (0..<keys).map { "k\($0): \($0)" }.joined(separator: "\n")
    }

    static func fastestParse(_ text: String) throws -> Duration {
        var best = Duration.seconds(3600)
        for _ in 0..<3 {
            let clock = ContinuousClock()
            let start = clock.now
            _ = try YAMLParser.parse(text, file: "t.yaml")
            best = min(best, clock.now - start)
        }
        return best
    }

    @Test func aLargeMappingParsesInLinearTime() throws {
        // Eight times the keys: about 8x when linear, 64x when quadratic.
        let small = try Self.fastestParse(Self.mapping(keys: 2_500))
        let large = try Self.fastestParse(Self.mapping(keys: 20_000))
        #expect(large / max(small, .microseconds(100)) < 28, "2.5k keys: \(small), 20k keys: \(large)")
    }

    @Test func aDuplicateKeyIsStillFound() {
        #expect(throws: ConfigurationError.self) {
            try YAMLParser.parse(Self.mapping(keys: 1_000) + "\nk500: again", file: "t.yaml")
        }
    }

    /// Found by the fuzz run: a duration past Int64 milliseconds stopped the process.
    @Test(arguments: ["601111111111111111111111111s", "1e300h", "9223372036854775807", "366d", "8761h"])
    func aDurationTooLongToRepresentIsRefused(text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }

    @Test func aYearIsTheLongestDuration() {
        #expect(ConfigDuration.parse("8760h") == .seconds(365 * 24 * 3600))
    }

    @Test func anAliasBombIsRefused() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        do {
            _ = try YAMLParser.parse(text, file: "t.yaml")
            Issue.record("a document of ten billion values was accepted")
        } catch {
            #expect("\(error)".contains("aliases"))
        }
    }
}
