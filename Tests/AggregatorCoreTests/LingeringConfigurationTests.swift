import Foundation
import Testing

@testable import AggregatorCore

@Suite("Configuration: lingering close after an early answer (server.lingering_time, server.lingering_bytes)")
struct LingeringConfigurationTests {
    let loader = ConfigurationLoader(knownKinds: ["ovirt"])

    private func file(server: String) -> String {
        """
        server:
          port: 6299
        \(server)
        defaults:
          password_env: OVIRT_PASSWORD
        backends:
          - name: e15
            type: ovirt
            url: https://e15.example/ovirt-engine/api
        """
    }

    @Test("defaults: 10 seconds and 64 MiB")
    func defaults() throws {
        let configuration = try loader.parse(file(server: ""), file: "backends.yaml")
        #expect(configuration.server.lingeringTime == .seconds(10))
        #expect(configuration.server.lingeringBytes == 64 << 20)
    }

    @Test("both keys are read")
    func keysAreRead() throws {
        let configuration = try loader.parse(file(server: "  lingering_time: 3s\n  lingering_bytes: 1048576"),
                                             file: "backends.yaml")
        #expect(configuration.server.lingeringTime == .seconds(3))
        #expect(configuration.server.lingeringBytes == 1 << 20)
    }

    @Test("out-of-range values name the key", arguments: [
        ("  lingering_time: 100ms", "server.lingering_time"),
        ("  lingering_time: 2h", "server.lingering_time"),
        ("  lingering_bytes: 0", "server.lingering_bytes"),
        ("  lingering_bytes: -5", "server.lingering_bytes"),
    ])
    func outOfRange(server: String, key: String) {
        let found = loader.problems(in: file(server: server))
        #expect(found.contains { $0.contains(key) }, "\(found)")
    }
}
