import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import OvirtSimulator
import Testing

@Suite("SimulatedEngine lifecycle", .timeLimit(.minutes(1)))
struct SimulatedEngineTests {
    @Test func startsOnEphemeralPortAndRefusesConnectionsAfterStop() async throws {
        let engine = try await SimulatedEngine.start(SimulatedEngineOptions(name: "e15-test"), logger: Logger(label: "test"))
        #expect(engine.port > 0)
        #expect(engine.name == "e15-test")
        #expect(engine.apiURL == "http://127.0.0.1:\(engine.port)/ovirt-engine/api")

        let client = TestClient(host: "127.0.0.1", port: engine.port)
        client.connect()
        let response = try await client.get("/ovirt-engine/api")
        #expect(response.status == .unauthorized)
        try await client.shutdown()

        await engine.stop()
        #expect(!canConnect(port: engine.port))
    }

    @Test func twoEnginesAreIndependent() async throws {
        let logger = Logger(label: "test")
        let first = try await SimulatedEngine.start(SimulatedEngineOptions(name: "e15-test"), logger: logger)
        let second = try await SimulatedEngine.start(SimulatedEngineOptions(name: "e15"), logger: logger)
        #expect(first.port != second.port)
        await first.stop()
        await second.stop()
    }
}

/// Whether a TCP connection to 127.0.0.1:`port` succeeds.
private func canConnect(port: Int) -> Bool {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return result == 0
}
