import AggregatorCore
import BackendSupport
import Testing

@Suite("Reading a kind's options: mapping")
struct EngineOptionsReaderTests {
    struct Options {
        var interval: Duration = .seconds(1)
        var parallel = 2
    }

    static func read(_ yaml: String, namesEngine: Bool = true) throws -> Options {
        let root = try YAMLParser.parse(yaml, file: "backends.yaml")
        let reader = EngineOptionsReader(engine: "e1", kindPhrase: "a test engine", keys: ["interval", "parallel"],
                                         namesEngineInValueErrors: namesEngine)
        var options = Options()
        try reader.read(root?["options"]) { option in
            switch option.key {
            case "interval": options.interval = try option.duration()
            case "parallel": options.parallel = try option.count(1...4)
            default: throw option.unknown()
            }
        }
        return options
    }

    static func error(_ yaml: String, namesEngine: Bool = true) -> ConfigurationError? {
        do {
            _ = try read(yaml, namesEngine: namesEngine)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test("values are read; missing or null options keep the defaults")
    func values() throws {
        let options = try Self.read("options:\n  interval: 500ms\n  parallel: 4\n")
        #expect(options.interval == .milliseconds(500))
        #expect(options.parallel == 4)
        #expect(try Self.read("name: x\n").parallel == 2)
        #expect(try Self.read("options: ~\n").interval == .seconds(1))
    }

    @Test("options that are not a mapping")
    func notMapping() throws {
        let error = try #require(Self.error("options: [1, 2]\n"))
        #expect(error.message == "engine 'e1': options must be a mapping")
        #expect(error.keyPath == "options")
    }

    @Test("an unknown key names the kind and lists the known ones, at the key's line")
    func unknown() throws {
        let error = try #require(Self.error("options:\n  interval: 1s\n  paralel: 3\n"))
        #expect(error.message == "engine 'e1': unknown option 'paralel' for a test engine")
        #expect(error.fix == "use interval or parallel")
        #expect(error.keyPath == "options.paralel")
        #expect(error.location?.line == 3)
    }

    @Test("bad values, with and without the engine's name", arguments: [
        ("options:\n  interval: soon\n", true, "engine 'e1': must be a positive duration such as 2s, 500ms or 10m"),
        ("options:\n  interval: soon\n", false, "must be a positive duration such as 2s, 500ms or 10m"),
        ("options:\n  parallel: 9\n", true, "engine 'e1': must be a whole number from 1 to 4"),
        ("options:\n  parallel: two\n", false, "must be a whole number from 1 to 4"),
    ])
    func badValues(yaml: String, namesEngine: Bool, message: String) throws {
        let error = try #require(Self.error(yaml, namesEngine: namesEngine))
        #expect(error.message == message)
    }

    @Test func keyLists() throws {
        let error = try #require(Self.error("options:\n  x: 1\n", namesEngine: false))
        #expect(error.message == "unknown option 'x' for a test engine")
    }
}
