import AggregatorCore
import BackendSupport
import EngineHTTP
import Testing

@testable import OvirtBackend

@Suite("Engine URLs, form encoding and error messages")
struct EndpointTests {
    @Test("the SSO URL is derived from scheme, host and port, as ovirtsdk4 does")
    func derivedURLs() throws {
        let endpoints = try #require(OvirtEndpoints(apiURL: "https://engine.example:8443/ovirt-engine/api/"))
        #expect(endpoints.origin == "https://engine.example:8443")
        #expect(endpoints.hostPort == "engine.example:8443")
        #expect(endpoints.ssoToken == "https://engine.example:8443/ovirt-engine/sso/oauth/token")
        #expect(endpoints.ssoLogout == "https://engine.example:8443/ovirt-engine/services/sso-logout")
        #expect(endpoints.caCertificate
            == "https://engine.example:8443/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA")
        #expect(endpoints.url(path: "vms", query: [("search", "sortby name asc page 2"), ("max", "500")])
            == "https://engine.example:8443/ovirt-engine/api/vms?search=sortby%20name%20asc%20page%202&max=500")
        #expect(endpoints.url(path: "") == "https://engine.example:8443/ovirt-engine/api")
        #expect(endpoints.displayPath("hosts") == "/ovirt-engine/api/hosts")
    }

    @Test func defaultPortsAndIPv6() throws {
        #expect(OvirtEndpoints(apiURL: "https://engine/ovirt-engine/api")?.hostPort == "engine:443")
        #expect(OvirtEndpoints(apiURL: "http://127.0.0.1/ovirt-engine/api")?.hostPort == "127.0.0.1:80")
        #expect(OvirtEndpoints(apiURL: "https://[::1]:8443/ovirt-engine/api")?.hostPort == "[::1]:8443")
        #expect(OvirtEndpoints(apiURL: "https://[::1]/ovirt-engine/api")?.hostPort == "[::1]:443")
    }

    @Test("not an http(s) URL", arguments: ["ftp://engine/api", "engine.example/ovirt-engine/api", "https://", ""])
    func invalid(url: String) {
        #expect(OvirtEndpoints(apiURL: url) == nil)
    }

    @Test func formEncoding() {
        #expect(FormEncoding.escape("admin@internal") == "admin%40internal")
        #expect(FormEncoding.escape("p&ss=w rd+/ü") == "p%26ss%3Dw%20rd%2B%2F%C3%BC")
        #expect(String(decoding: FormEncoding.body([("a", "1"), ("b c", "&")]), as: UTF8.self) == "a=1&b%20c=%26")
    }

    private let mapping = OvirtErrorMapping(
        engine: "e15", endpoints: OvirtEndpoints(apiURL: "https://127.0.0.1:18441/ovirt-engine/api")!,
        connectTimeout: .seconds(10), requestTimeout: .seconds(60))

    @Test func transportErrors() {
        let refused = mapping.transport(HTTPClientError(code: .connectionRefused, url: "https://127.0.0.1:18441/x", message: "x"))
        #expect(refused.code == .connectionRefused)
        #expect(refused.message == "connection refused by 127.0.0.1:18441")

        let tls = mapping.transport(HTTPClientError(code: .tls, url: "https://127.0.0.1:18441/x",
                                                    message: "certificate verify failed"))
        #expect(tls.code == .tls)
        #expect(tls.message == "TLS: certificate verify failed (set ca_file, or run `aggregator trust e15`)")

        #expect(mapping.transport(HTTPClientError(code: .connectTimeout, url: "u", message: "")).code == .timeout)
        #expect(mapping.transport(HTTPClientError(code: .timeout, url: "u", message: "")).message
            == "no answer from 127.0.0.1:18441 within 60000 ms (request_timeout)")
        #expect(mapping.transport(HTTPClientError(code: .hostNotFound, url: "u", message: "nope")).code == .hostNotFound)
        #expect(mapping.transport(HTTPClientError(code: .transport, url: "u", message: "reset")).code == .transport)
    }

    @Test func statusErrors() {
        func error(_ status: Int, _ body: String = "") -> BackendError {
            mapping.status(HTTPResponse(status: status, body: Array(body.utf8)), request: "GET /ovirt-engine/api/vms")
        }
        #expect(error(401).code == .unauthorized)
        #expect(error(403, EngineFixtures.faultJSON).code == .forbidden)
        #expect(error(404).code == .notFound)
        #expect(error(404).message == "GET /ovirt-engine/api/vms: not found (HTTP 404)")
        #expect(error(502).message == "GET /ovirt-engine/api/vms: HTTP 502 Bad Gateway")
        #expect(error(502).httpStatus == 502)
        #expect(error(409, EngineFixtures.faultXML).message.hasSuffix(
            "HTTP 409 Conflict: Operation Failed: [Cannot edit VM. Snapshot 'a' & <b> is being created.]"))
        #expect(error(400, EngineFixtures.faultJSON).code == .httpStatus)
        #expect(error(503, EngineFixtures.proxyErrorPage).message.contains("Service Unavailable"))
        #expect(!error(503, EngineFixtures.proxyErrorPage).message.contains("<"))
    }

    @Test func invalidBodies() {
        let html = mapping.invalid(Array(EngineFixtures.proxyErrorPage.utf8), expected: "a JSON vm list",
                                   request: "GET /ovirt-engine/api/vms")
        #expect(html.code == .invalidResponse)
        #expect(html.message.hasPrefix("GET /ovirt-engine/api/vms: expected a JSON vm list, got: '503 Service Unavailable"))
        let long = OvirtErrorMapping.snippet(Array(String(repeating: "x", count: 1000).utf8))
        #expect((long?.count ?? 0) < 200)
        #expect(mapping.invalid([], expected: "a JSON vm list", request: "GET x").message.hasSuffix("got an empty body"))
    }
}
