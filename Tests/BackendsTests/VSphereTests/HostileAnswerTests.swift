import AggregatorCore
import AggregatorTesting
import Hummingbird
import Logging
import Testing

@testable import VSphereBackend

@Suite("What is not a vCenter answer is refused clearly")
struct HostileAnswerTests {
    /// A URL that reaches a web server, not a vCenter's `/sdk`: every answer is an HTML page.
    static func notAVCenter(status: HTTPResponse.Status) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("sdk") { _, _ in
            Response(status: status, headers: [.contentType: "text/html"],
                     body: .init(byteBuffer: ByteBuffer(string: "<html><body>Welcome to nginx!</body></html>")))
        }
        return router
    }

    static func backend(port: Int) throws -> VSphereBackend {
        try VSphereBackend(configuration: BackendConfiguration(
            name: "vc-web", kind: VSphereBackend.kind, url: "http://127.0.0.1:\(port)/sdk", username: "user",
            password: Secret("pass-ok"), connectTimeout: .seconds(5), requestTimeout: .seconds(5)),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    @Test("an HTML page answered 200 is invalid_response naming the call and what was expected")
    func htmlPage() async throws {
        try await serveOnLoopback(Self.notAVCenter(status: .ok), label: "web") { port in
            let backend = try Self.backend(port: port)
            do {
                _ = try await backend.readInventory()
                Issue.record("an HTML page was read as an inventory")
            } catch let error as BackendError {
                #expect(error.code == .invalidResponse)
                #expect(error.engine == "vc-web")
                #expect(error.message.contains("RetrieveServiceContent on ServiceInstance:ServiceInstance"))
                #expect(error.message.contains("expected a SOAP answer") || error.message.contains("expected a service content"))
            }
            await backend.shutdown()
        }
    }

    @Test("an error page without a SOAP fault says to check the url")
    func errorPage() async throws {
        try await serveOnLoopback(Self.notAVCenter(status: .badGateway), label: "web") { port in
            let backend = try Self.backend(port: port)
            do {
                _ = try await backend.probe()
                Issue.record("a 502 page probed fine")
            } catch let error as BackendError {
                #expect(error.code == .httpStatus)
                #expect(error.httpStatus == 502)
                #expect(error.message.contains("is the url the vCenter's /sdk?"))
            }
            await backend.shutdown()
        }
    }

    @Test("entity expansion (billion laughs) is not expanded into memory")
    func entityExpansion() {
        var document = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lollollollollollollollollollol">"#
        for level in 1...9 {
            let previous = "&lol\(level - 1);"
            document += "<!ENTITY lol\(level) \"\(String(repeating: previous, count: 10))\">"
        }
        document += "]><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            + "<soapenv:Body><R xmlns=\"urn:vim25\"><returnval>&lol9;</returnval></R></soapenv:Body></soapenv:Envelope>"
        // Either refused, or read without the 3 GB the expansion would take.
        if case .returned(let values)? = try? SOAPEnvelope.answer(Array(document.utf8)) {
            #expect((values.first?.text.utf8.count ?? 0) < 10_000_000)
        }
    }
}
