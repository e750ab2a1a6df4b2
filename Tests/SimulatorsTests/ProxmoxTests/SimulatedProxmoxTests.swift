import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ProxmoxSimulator
import Testing

@Suite("SimulatedProxmox lifecycle", .timeLimit(.minutes(1)))
struct SimulatedProxmoxTests {
    @Test func startsOnEphemeralPortServesTheAPIAndRefusesConnectionsAfterStop() async throws {
        var options = SimulatedProxmoxOptions(name: "pve-test")
        options.vmCount = 2
        let cluster = try await SimulatedProxmox.start(options, logger: Logger(label: "test"))
        #expect(cluster.port > 0)
        #expect(cluster.name == "pve-test")
        #expect(cluster.apiURL == "http://127.0.0.1:\(cluster.port)/api2/json")

        let client = TestClient(host: "127.0.0.1", port: cluster.port)
        client.connect()
        let anonymous = try await client.get("/api2/json/version")
        #expect(anonymous.status.code == 401)
        // (NIO's client decoder replaces reason phrases of known codes; the router tests check them.)
        let token = SimulatedProxmoxAPIToken.default
        let version = try await client.get("/api2/json/version", headers: [.authorization: "PVEAPIToken=\(token.tokenID)=\(token.secret)"])
        #expect(version.status == .ok)
        #expect(String(buffer: try #require(version.body)).contains(#""release":"8.4""#))
        try cluster.admin.setNodeOnline("pve3", false)
        let pve3 = cluster.admin.nodes.first { $0.name == "pve3" }
        #expect(pve3?.online == false)
        try await client.shutdown()

        await cluster.stop()
        #expect(!canConnect(port: cluster.port))
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
