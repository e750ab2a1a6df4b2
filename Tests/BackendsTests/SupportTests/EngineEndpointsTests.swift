import BackendSupport
import Testing

@Suite("Engine URLs and percent-encoding")
struct EngineEndpointsTests {
    @Test("the parts of an API URL, whatever trails it")
    func parts() throws {
        let endpoints = try #require(EngineEndpoints(apiURL: "  HTTPS://user:secret@pve1.example:8006/api2/json/?x=1#top \n"))
        #expect(endpoints.apiURL == "https://pve1.example:8006/api2/json")
        #expect(endpoints.origin == "https://pve1.example:8006")
        #expect(endpoints.hostPort == "pve1.example:8006")
        #expect(endpoints.host == "pve1.example")
        #expect(endpoints.apiPath == "/api2/json")
        #expect(endpoints.usesTLS)
    }

    @Test("the scheme's default port is filled in; an IPv6 literal keeps its colons", arguments: [
        ("https://engine/ovirt-engine/api", "engine:443", "engine"),
        ("http://127.0.0.1/ovirt-engine/api", "127.0.0.1:80", "127.0.0.1"),
        ("https://[::1]:8443/api2/json", "[::1]:8443", "[::1]"),
        ("https://[::1]/api2/json", "[::1]:443", "[::1]"),
        ("http://[fe80::1%25eth0]", "[fe80::1%25eth0]:80", "[fe80::1%25eth0]"),
    ])
    func hostPort(url: String, hostPort: String, host: String) throws {
        let endpoints = try #require(EngineEndpoints(apiURL: url))
        #expect(endpoints.hostPort == hostPort)
        #expect(endpoints.host == host)
    }

    @Test("not an http(s) URL", arguments: [
        "", "   ", "ftp://engine/api", "engine.example/ovirt-engine/api", "https://", "https:///api", "https://user@/api",
        "file:///etc/passwd", "//engine/api",
    ])
    func invalid(url: String) {
        #expect(EngineEndpoints(apiURL: url) == nil)
    }

    @Test("URLs and display paths below an API path")
    func belowAPIPath() throws {
        let endpoints = try #require(EngineEndpoints(apiURL: "https://engine.example:8443/ovirt-engine/api/"))
        #expect(endpoints.url(path: "vms", query: [("search", "sortby name asc page 2"), ("max", "500")])
            == "https://engine.example:8443/ovirt-engine/api/vms?search=sortby%20name%20asc%20page%202&max=500")
        #expect(endpoints.url(path: "") == "https://engine.example:8443/ovirt-engine/api")
        #expect(endpoints.url(path: "/hosts") == "https://engine.example:8443/ovirt-engine/api/hosts")
        #expect(endpoints.displayPath("hosts") == "/ovirt-engine/api/hosts")
        #expect(endpoints.displayPath("") == "/ovirt-engine/api")
    }

    @Test("an API URL without a path: the root is /")
    func withoutAPIPath() throws {
        let endpoints = try #require(EngineEndpoints(apiURL: "http://pve1:8006"))
        #expect(endpoints.apiPath == "")
        #expect(!endpoints.usesTLS)
        #expect(endpoints.displayPath("") == "/")
        #expect(endpoints.displayPath("//version") == "/version")
        #expect(endpoints.url(path: "version") == "http://pve1:8006/version")
        #expect(endpoints.url(path: "") == "http://pve1:8006/")
    }

    @Test func formEncoding() {
        #expect(FormEncoding.escape("admin@internal") == "admin%40internal")
        #expect(FormEncoding.escape("p&ss=w rd+/ü") == "p%26ss%3Dw%20rd%2B%2F%C3%BC")
        #expect(FormEncoding.escape("A-z0.9_~") == "A-z0.9_~")
        #expect(String(decoding: FormEncoding.body([("a", "1"), ("b c", "&")]), as: UTF8.self) == "a=1&b%20c=%26")
        #expect(FormEncoding.query([]) == "")
    }

    @Test("a path segment keeps what RFC 3986 allows in one, and nothing that ends it")
    func pathSegment() {
        #expect(FormEncoding.pathSegment("UPID:pve1:0001:root@pam:") == "UPID:pve1:0001:root@pam:")
        #expect(FormEncoding.pathSegment("a/b?c#d e") == "a%2Fb%3Fc%23d%20e")
        #expect(FormEncoding.pathSegment("!$&'()*+,;=") == "!$&'()*+,;=")
    }

    @Test func trimming() {
        #expect(" \t a b \n".trimmingWhitespace() == "a b")
        #expect("   ".trimmingWhitespace() == "")
        #expect("x".trimmingWhitespace() == "x")
    }
}
