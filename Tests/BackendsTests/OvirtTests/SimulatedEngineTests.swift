import AggregatorCore
import AggregatorTesting
import BackendSupport
import EngineHTTP
import Foundation
import Logging
import OvirtSimulator
import Testing

@testable import OvirtBackend

@Suite("oVirt backend against a simulated engine")
struct SimulatedEngineTests {
    /// Requests the backend's HTTP client logged for `url` (the client logs URLs without queries).
    private func requests(_ recorder: LogRecorder, to url: String) -> Int {
        recorder.lines(containing: "HTTP request finished").filter { line in
            line.split(separator: " ").contains { $0 == "http.url=\(url)" }
        }.count
    }

    @Test("probe reports product, version and user", .timeLimit(.minutes(1)))
    func probe() async throws {
        try await withSimulatedEngine("probe-e1") { engine in
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: LogRecorder().logger()) { backend in
                let probe = try await backend.probe()
                #expect(probe.product?.isEmpty == false)
                #expect(probe.version?.isEmpty == false)
                #expect(probe.user == "admin@internal")
            }
        }
    }

    @Test("after the engine expires every token, the next list logs in once more and succeeds", .timeLimit(.minutes(1)))
    func reLogin() async throws {
        try await withSimulatedEngine("relogin-e1") { engine in
            let recorder = LogRecorder()
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: recorder.logger()) { backend in
                #expect(try await backend.listVMs().count == 20)
                #expect(backend.session.tokens.loginCount == 1)

                try await HTTPClient.withHTTPClient { client in
                    let url = engine.apiURL.replacingOccurrences(of: "/ovirt-engine/api", with: "/__sim/expire-tokens")
                    let response = try await client.execute(HTTPRequest(method: "POST", url: url))
                    #expect(response.status == 200)
                }

                #expect(try await backend.listVMs().count == 20)
                #expect(try await backend.listHosts().count == 3)
                #expect(backend.session.tokens.loginCount == 2)
                #expect(requests(recorder, to: engine.apiURL.replacingOccurrences(
                    of: "/ovirt-engine/api", with: "/ovirt-engine/sso/oauth/token")) == 2)
            }
        }
    }

    @Test("concurrent first calls share one login", .timeLimit(.minutes(1)))
    func sharedLogin() async throws {
        try await withSimulatedEngine("shared-login-e1") { engine in
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: LogRecorder().logger()) { backend in
                async let vms = backend.listVMs()
                async let hosts = backend.listHosts()
                async let clusters = backend.listClusters()
                async let probe = backend.probe()
                _ = try await (vms, hosts, clusters, probe)
                #expect(backend.session.tokens.loginCount == 1)
            }
        }
    }

    @Test("1200 VMs are listed completely in three pages", .timeLimit(.minutes(1)))
    func paging() async throws {
        try await withSimulatedEngine("paging-e1", configure: { $0.vmCount = 1200 }) { engine in
            let recorder = LogRecorder()
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: recorder.logger()) { backend in
                let vms = try await backend.listVMs()
                #expect(vms.count == 1200)
                #expect(Set(vms.map(\.id)).count == 1200)
                #expect(vms.allSatisfy { !$0.id.isEmpty && $0.engine == "paging-e1" })
                let running = vms.filter { $0.status == "up" }
                #expect(!running.isEmpty)
                #expect(running.allSatisfy { $0.host != nil && !$0.ipAddresses.isEmpty })
                #expect(requests(recorder, to: "\(engine.apiURL)/vms") == 3)
                #expect(requests(recorder, to: engine.apiURL) == 1)
            }
        }
    }

    @Test("an exact multiple of the page size ends with one empty page", .timeLimit(.minutes(1)))
    func exactMultiple() async throws {
        try await withSimulatedEngine("paging-e2", configure: { $0.vmCount = 300 }) { engine in
            let recorder = LogRecorder()
            var tuning = OvirtBackend.Tuning()
            tuning.pageSize = 100
            tuning.pagesInFlight = 2
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: recorder.logger(), tuning: tuning) {
                backend in
                let vms = try await backend.listVMs()
                #expect(vms.count == 300)
                #expect(Set(vms.map(\.id)).count == 300)
                #expect(requests(recorder, to: "\(engine.apiURL)/vms") == 4)
            }
        }
    }

    @Test("the password never appears in errors or log lines", .timeLimit(.minutes(1)))
    func passwordNeverLeaks() async throws {
        let secret = "Pa55-\(UInt32.random(in: 100_000...UInt32.max))-word"
        let recorder = LogRecorder()
        try await withSimulatedEngine("secret-e1", configure: { $0.password = secret }) { engine in
            try await withOvirtBackend(.simulated(engine, password: secret), logger: recorder.logger()) { backend in
                _ = try await backend.listVMs()
                _ = try await backend.probe()
            }
            let wrong = secret + "-wrong"
            try await withOvirtBackend(.simulated(engine, password: wrong), logger: recorder.logger()) { backend in
                let error = await #expect(throws: BackendError.self) { try await backend.listVMs() }
                #expect(error?.code == .unauthorized)
                #expect(error?.engine == "secret-e1")
                #expect(error?.message.contains("The username or password is incorrect") == true)
                for text in [String(describing: error), String(reflecting: error)] {
                    #expect(!text.contains(secret))
                }
            }
        }
        #expect(!recorder.all.isEmpty)
        for line in recorder.all {
            #expect(!line.contains(secret), "log line reveals the password: \(line)")
        }
    }

    @Test("shutdown revokes the token", .timeLimit(.minutes(1)))
    func logout() async throws {
        try await withSimulatedEngine("logout-e1") { engine in
            let backend = try OvirtBackend(configuration: .simulated(engine, password: "admin"), logger: LogRecorder().logger())
            _ = try await backend.probe()
            let token = try await backend.session.tokens.credential { "unused" }.value
            await backend.shutdown()
            await backend.shutdown()
            try await HTTPClient.withHTTPClient { client in
                let response = try await client.execute(HTTPRequest(url: engine.apiURL, headers: [
                    ("Authorization", "Bearer \(token)"), ("Accept", "application/json"), ("Version", "4"),
                ]))
                #expect(response.status == 401)
            }
            let afterShutdown = await #expect(throws: BackendError.self) { try await backend.listVMs() }
            #expect(afterShutdown?.code == .transport)
        }
    }

    @Test("a stopped engine gives connection_refused naming its address", .timeLimit(.minutes(1)))
    func unreachable() async throws {
        let configuration = try await withSimulatedEngine("down-e1") { BackendConfiguration.simulated($0, password: "admin") }
        try await withOvirtBackend(configuration, logger: LogRecorder().logger()) { backend in
            let error = await #expect(throws: BackendError.self) { try await backend.listClusters() }
            #expect(error?.code == .connectionRefused)
            #expect(error?.message.hasPrefix("connection refused by 127.0.0.1:") == true)
        }
    }

    @Test("a missing password is a configuration error naming the engine")
    func missingPassword() {
        let configuration = BackendConfiguration(name: "e99", kind: "ovirt", url: "https://e99/ovirt-engine/api")
        #expect {
            _ = try OvirtBackend(configuration: configuration, logger: LogRecorder().logger())
        } throws: { error in
            (error as? ConfigurationError)?.message.contains("e99") == true
        }
    }

    @Test("insecure logs one warning with the engine's name")
    func insecureWarning() throws {
        let recorder = LogRecorder()
        var configuration = BackendConfiguration(name: "e98", kind: "ovirt", url: "https://e98/ovirt-engine/api",
                                                 password: Secret("x"))
        configuration.insecure = true
        let backend = try OvirtBackend(configuration: configuration, logger: recorder.logger())
        _ = backend
        let warnings = recorder.all.filter { $0.hasPrefix("warning") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("backend.name=e98") == true)
    }

    @Test("the CA download reports a plain-HTTP engine's 404 as not_found", .timeLimit(.minutes(1)))
    func caOverPlainHTTP() async throws {
        try await withSimulatedEngine("ca-e1") { engine in
            let error = await #expect(throws: BackendError.self) {
                try await OvirtBackend.fetchCACertificate(apiURL: engine.apiURL, connectTimeout: .seconds(5),
                                                          requestTimeout: .seconds(10))
            }
            #expect(error?.code == .notFound)
        }
    }
}
