import AggregatorCore
import AggregatorTesting
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing

@testable import OvirtBackend

/// A tiny engine that misbehaves on purpose: each scenario is a path prefix in front of
/// `/ovirt-engine/api`, while SSO and the PKI resource live at the origin as on a real engine.
private final class StubEngine: Sendable {
    let logins = Mutex(0)

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("ovirt-engine/sso/oauth/token") { _, _ in
            self.logins.withLock { $0 += 1 }
            return Self.respond(.ok, EngineFixtures.ssoToken, contentType: "application/json")
        }
        router.post("ovirt-engine/services/sso-logout") { _, _ in Self.respond(.ok, "{}", contentType: "application/json") }
        router.get("ovirt-engine/services/pki-resource") { _, _ in
            Self.respond(.ok, "-----BEGIN CERTIFICATE-----\nAAECAwQF\n-----END CERTIFICATE-----\n",
                         contentType: "application/x-x509-ca-cert")
        }
        router.get(":scenario/ovirt-engine/api/**") { request, context in
            Self.scenario(context.parameters.get("scenario") ?? "")
        }
        router.get(":scenario/ovirt-engine/api") { request, context in
            Self.scenario(context.parameters.get("scenario") ?? "")
        }
        return router
    }

    private static func scenario(_ name: String) -> Response {
        switch name {
        case "bad-gateway": respond(.badGateway, "", contentType: "text/plain")
        case "xml-fault": respond(.internalServerError, EngineFixtures.faultXML, contentType: "application/xml")
        case "json-fault": respond(.conflict, EngineFixtures.faultJSON, contentType: "application/json")
        case "forbidden": respond(.forbidden, EngineFixtures.faultJSON, contentType: "application/json")
        case "html": respond(.ok, EngineFixtures.proxyErrorPage, contentType: "text/html")
        case "unauthorized": respond(.unauthorized, "", contentType: "text/plain")
        default: respond(.notFound, "", contentType: "text/plain")
        }
    }

    private static func respond(_ status: HTTPResponse.Status, _ body: String, contentType: String) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Serves on a free loopback port for the duration of `body`.
    func serve<T>(_ body: (Int) async throws -> T) async throws -> T {
        try await serveOnLoopback(router(), label: "stub", body)
    }
}

@Suite("oVirt backend against a misbehaving engine")
struct StubEngineTests {
    private func listVMs(_ scenario: String) async throws -> (BackendError?, logins: Int) {
        let stub = StubEngine()
        return try await stub.serve { port in
            let configuration = BackendConfiguration(
                name: "stub", kind: "ovirt", url: "http://127.0.0.1:\(port)/\(scenario)/ovirt-engine/api",
                password: Secret("pw"), connectTimeout: .seconds(5), requestTimeout: .seconds(10))
            let error = try await withOvirtBackend(configuration, logger: LogRecorder().logger()) { backend in
                await #expect(throws: BackendError.self) { try await backend.listVMs() }
            }
            return (error, stub.logins.withLock { $0 })
        }
    }

    @Test("502 with an empty body", .timeLimit(.minutes(1)))
    func badGateway() async throws {
        let (error, _) = try await listVMs("bad-gateway")
        #expect(error?.code == .httpStatus)
        #expect(error?.httpStatus == 502)
        #expect(error?.message.hasSuffix("HTTP 502 Bad Gateway") == true)
        #expect(error?.message.contains("?") == false)
    }

    @Test("XML and JSON faults carry the engine's text", .timeLimit(.minutes(1)))
    func faults() async throws {
        let (xml, _) = try await listVMs("xml-fault")
        #expect(xml?.code == .httpStatus)
        #expect(xml?.message.contains("HTTP 500 Internal Server Error: Operation Failed: [Cannot edit VM.") == true)
        let (json, _) = try await listVMs("json-fault")
        #expect(json?.httpStatus == 409)
        #expect(json?.message.contains("The VM name is already in use") == true)
    }

    @Test("403 is forbidden", .timeLimit(.minutes(1)))
    func forbidden() async throws {
        // Lookups tolerate 403, the VM list itself does not.
        let (error, _) = try await listVMs("forbidden")
        #expect(error?.code == .forbidden)
    }

    @Test("an HTML page instead of JSON is an invalid response with a snippet", .timeLimit(.minutes(1)))
    func html() async throws {
        let (error, _) = try await listVMs("html")
        #expect(error?.code == .invalidResponse)
        #expect(error?.message.contains("expected") == true)
        #expect(error?.message.contains("503 Service Unavailable") == true)
    }

    @Test("401 even after a fresh login is unauthorized, after exactly one re-login", .timeLimit(.minutes(1)))
    func unauthorized() async throws {
        let (error, logins) = try await listVMs("unauthorized")
        #expect(error?.code == .unauthorized)
        #expect(error?.httpStatus == 401)
        // Concurrent requests that got 401 with the same token share the one re-login.
        #expect(logins == 2)
    }

    @Test("the CA certificate is downloaded as PEM", .timeLimit(.minutes(1)))
    func caCertificate() async throws {
        try await StubEngine().serve { port in
            let pem = try await OvirtBackend.fetchCACertificate(
                apiURL: "http://127.0.0.1:\(port)/ovirt-engine/api", connectTimeout: .seconds(5), requestTimeout: .seconds(10))
            #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
        }
    }
}
