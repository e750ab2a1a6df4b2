import Foundation
import Testing

@testable import AggregatorCore

@Suite("Configuration: listener limits under server:, engine answer size per engine")
struct ConfigurationLimitsTests {
    let loader = ConfigurationLoader(knownKinds: ["ovirt"])

    private func file(server: String = "", defaults: String = "", engine: String = "") -> String {
        """
        server:
          port: 6299
        \(server)
        defaults:
          password_env: OVIRT_PASSWORD
        \(defaults)
        backends:
          - name: e15
            type: ovirt
            url: https://e15.example/ovirt-engine/api
        \(engine)
        """
    }

    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try loader.parse(yaml, file: "backends.yaml")
            return []
        } catch let error as ConfigurationErrors {
            return error.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test("defaults hold without the keys")
    func defaults() throws {
        let configuration = try loader.parse(file(), file: "backends.yaml")
        #expect(configuration.server.maxConnections == 4096)
        #expect(configuration.server.idleTimeout == .seconds(30))
        #expect(configuration.server.headerTimeout == .seconds(10))
        #expect(configuration.server.requestTimeout == .seconds(60))
        #expect(configuration.backends[0].maxResponseBytes == 256 << 20)
    }

    @Test("every key is read")
    func keysAreRead() throws {
        let configuration = try loader.parse(file(
            server: "  max_connections: 500\n  idle_timeout: 5s\n  header_timeout: 2s\n  request_timeout: 20s",
            defaults: "  max_response_bytes: 104857600",
            engine: "    max_response_bytes: 1048576"), file: "backends.yaml")
        #expect(configuration.server.maxConnections == 500)
        #expect(configuration.server.idleTimeout == .seconds(5))
        #expect(configuration.server.headerTimeout == .seconds(2))
        #expect(configuration.server.requestTimeout == .seconds(20))
        #expect(configuration.backends[0].maxResponseBytes == 1 << 20, "the engine's own value wins")
    }

    @Test("out-of-range values name the key", arguments: [
        ("  max_connections: 3", "", "server.max_connections"),
        ("  idle_timeout: 100ms", "", "server.idle_timeout"),
        ("  request_timeout: 2h", "", "server.request_timeout"),
        ("  header_timeout: 30s\n  request_timeout: 10s", "", "server.header_timeout"),
        ("", "  max_response_bytes: 1000", "defaults.max_response_bytes"),
    ])
    func outOfRange(server: String, defaults: String, key: String) {
        let found = problems(file(server: server, defaults: defaults))
        #expect(found.contains { $0.contains(key) }, "\(found)")
    }
}
