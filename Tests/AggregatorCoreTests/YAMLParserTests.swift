import Testing

@testable import AggregatorCore

@Suite struct YAMLParserTests {
    @Test func mappingsSequencesScalarsAndLocations() throws {
        let root = try #require(try YAMLParser.parse("""
            a: 1
            list:
              - x
              - "quoted"
            nested: {k: v}
            """, file: "t.yaml"))
        #expect(root["a"]?.scalar == "1")
        guard case .sequence(let items)? = root["list"]?.content else {
            Issue.record("list is not a sequence")
            return
        }
        #expect(items.map(\.scalar) == ["x", "quoted"])
        #expect(items[1].location.line == 4)
        #expect(items[1].location.column == 5)
        #expect(root["nested"]?["k"]?.scalar == "v")
    }

    @Test func anchorsAndAliases() throws {
        let root = try #require(try YAMLParser.parse("""
            base: &b
              user: admin
            copy: *b
            """, file: "t.yaml"))
        #expect(root["copy"]?["user"]?.scalar == "admin")
    }

    @Test func duplicateKeysAreErrors() {
        #expect(throws: ConfigurationError.self) {
            try YAMLParser.parse("a: 1\na: 2\n", file: "t.yaml")
        }
    }

    @Test func emptyDocument() throws {
        #expect(try YAMLParser.parse("", file: "t.yaml") == nil)
    }

    @Test(arguments: ["10s", "500ms", "2m", "1h", "15", "1.5"])
    func durations(text: String) {
        #expect(ConfigDuration.parse(text) != nil)
    }

    @Test(arguments: ["", "0", "-1s", "soon", "10x"])
    func badDurations(text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }
}
