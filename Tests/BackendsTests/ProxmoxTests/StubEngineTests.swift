import AggregatorCore
import AggregatorTesting
import Logging
import Synchronization
import Testing

@testable import ProxmoxBackend

@Suite("Proxmox backend: authentication and engine errors against a stub API")
struct StubEngineTests {
    private func backend(_ url: String, username: String = AuthStubEngine.username,
                         secret: String = AuthStubEngine.password, log: LogRecorder = LogRecorder()) throws -> ProxmoxBackend {
        let configuration = BackendConfiguration(name: "stub", kind: ProxmoxBackend.kind, url: url, username: username,
                                                 password: Secret(secret), connectTimeout: .seconds(5),
                                                 requestTimeout: .seconds(20))
        return try ProxmoxBackend(configuration: configuration, logger: log.logger("proxmox"))
    }

    private func withBackend<T>(_ backend: ProxmoxBackend, _ body: (ProxmoxBackend) async throws -> T) async throws -> T {
        do {
            let result = try await body(backend)
            await backend.shutdown()
            return result
        } catch {
            await backend.shutdown()
            throw error
        }
    }

    @Test("password: concurrent callers share one login; writes carry the CSRF token", .timeLimit(.minutes(1)))
    func password() async throws {
        let stub = AuthStubEngine()
        try await stub.serve { url in
            try await withBackend(try backend(url)) { backend in
                try await withThrowingTaskGroup(of: EngineProbe.self) { group in
                    for _ in 0..<6 { group.addTask { try await backend.probe() } }
                    for try await probe in group {
                        #expect(probe.product == "Proxmox VE")
                        #expect(probe.version == "8.2.4")
                        #expect(probe.user == "root@pam")
                    }
                }
                #expect(stub.logins.withLock { $0 } == 1)
                let error = await #expect(throws: BackendError.self) {
                    try await backend.session.write("POST", path: "nodes/solo/qemu/100/config", form: [("cores", "0")])
                }
                #expect(stub.writes.withLock { $0 } == [true], "the write carried the ticket's CSRF token")
                #expect(error?.httpStatus == 400)
                #expect(error?.message.contains("Parameter verification failed.") == true)
                #expect(error?.message.contains("cores: value must have a minimum value of 1") == true)
            }
        }
    }

    @Test("a revoked ticket: one re-login and a retry", .timeLimit(.minutes(1)))
    func relogin() async throws {
        let stub = AuthStubEngine()
        try await stub.serve { url in
            try await withBackend(try backend(url)) { backend in
                _ = try await backend.probe()
                stub.revokeTickets()
                let hosts = try await backend.listHosts()
                #expect(hosts.map(\.name) == ["solo"])
                #expect(stub.logins.withLock { $0 } == 2)
            }
        }
    }

    @Test("an old ticket is renewed before use", .timeLimit(.minutes(1)))
    func renewal() async throws {
        let stub = AuthStubEngine()
        try await stub.serve { url in
            let configuration = BackendConfiguration(name: "stub", kind: ProxmoxBackend.kind, url: url,
                                                     username: AuthStubEngine.username,
                                                     password: Secret(AuthStubEngine.password))
            let backend = try ProxmoxBackend(configuration: configuration, logger: Logger(label: "t"), options: nil,
                                             ticketRenewal: .zero)
            try await withBackend(backend) { backend in
                _ = try await backend.probe()
                _ = try await backend.listClusters()
                #expect(stub.logins.withLock { $0 } >= 2)
            }
        }
    }

    @Test("an API token goes in every request's Authorization header; no login", .timeLimit(.minutes(1)))
    func token() async throws {
        let stub = AuthStubEngine()
        try await stub.serve { url in
            try await withBackend(try backend(url, username: AuthStubEngine.tokenID, secret: AuthStubEngine.tokenSecret)) {
                backend in
                let probe = try await backend.probe()
                #expect(probe.user == AuthStubEngine.tokenID)
                #expect(stub.logins.withLock { $0 } == 0)
                #expect(stub.authorizations.withLock { $0 }.allSatisfy {
                    $0 == "PVEAPIToken=\(AuthStubEngine.tokenID)=\(AuthStubEngine.tokenSecret)"
                })
            }
        }
    }

    @Test("wrong credentials: unauthorized with the engine's text, never the secret", .timeLimit(.minutes(1)))
    func wrongPassword() async throws {
        let stub = AuthStubEngine()
        let log = LogRecorder()
        try await stub.serve { url in
            try await withBackend(try backend(url, secret: "wrong-secret-123", log: log)) { backend in
                let error = await #expect(throws: BackendError.self) { _ = try await backend.listVMs() }
                #expect(error?.code == .unauthorized)
                #expect(error?.message == "login as root@pam failed (HTTP 401): authentication failure")
                #expect(!"\(String(describing: error))".contains("wrong-secret-123"))
            }
            try await withBackend(try backend(url, username: AuthStubEngine.tokenID, secret: "bad-token", log: log)) {
                backend in
                let error = await #expect(throws: BackendError.self) { _ = try await backend.probe() }
                #expect(error?.code == .unauthorized)
                #expect(!"\(String(describing: error))".contains("bad-token"))
            }
        }
        #expect(!log.all.contains { $0.contains("wrong-secret-123") || $0.contains("bad-token") })
    }

    @Test("the engine's error text from the status line reaches the message", .timeLimit(.minutes(1)))
    func engineText() async throws {
        let stub = AuthStubEngine()
        try await stub.serve { url in
            try await withBackend(try backend(url)) { backend in
                let error = await #expect(throws: BackendError.self) {
                    _ = try await backend.session.get(ProxmoxVMConfig.self, path: "nodes/solo/qemu/999/config",
                                                      expected: "a JSON VM configuration")
                }
                #expect(error?.code == .httpStatus)
                #expect(error?.message == "GET /api2/json/nodes/solo/qemu/999/config: HTTP 500: "
                            + "Configuration file 'nodes/solo/qemu-server/999.conf' does not exist")
            }
        }
    }

    @Test("a guest agent that does not answer leaves that VM's addresses empty", .timeLimit(.minutes(1)))
    func agent() async throws {
        let stub = AuthStubEngine()
        try await stub.serve { url in
            try await withBackend(try backend(url)) { backend in
                let vms = try await backend.listVMs()
                #expect(vms.first { $0.name == "quiet" }?.ipAddresses == [])
                #expect(vms.first { $0.name == "chatty" }?.ipAddresses == ["10.1.2.3"])
                #expect(vms.allSatisfy { $0.cluster == "solo" })
                #expect(stub.silentAgentCalls.withLock { $0 } == 1)
                // The silent agent is left alone for agent_retry_after; the other one is asked again.
                let again = try await backend.listVMs()
                #expect(again.first { $0.name == "chatty" }?.ipAddresses == ["10.1.2.3"])
                #expect(stub.silentAgentCalls.withLock { $0 } == 1)
                let one = try await backend.vm(id: "101")
                #expect(one?.ipAddresses == ["10.1.2.3"])
                _ = try await backend.vm(id: "100")
                #expect(stub.silentAgentCalls.withLock { $0 } == 2, "a single read asks the agent whatever listings found")
                #expect(try await backend.vm(id: "555") == nil)
                #expect(try await backend.host(id: "solo")?.status == "up")
                #expect(try await backend.cluster(id: "solo")?.hostCount == 1)
            }
        }
    }
}
