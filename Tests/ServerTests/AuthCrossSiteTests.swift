import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server

/// With `auth: none` (the demo), a web page open in an operator's browser must not be able to
/// create anything; nor may one that rebinds its DNS name to 127.0.0.1.
@Suite struct AuthCrossSiteTests {
    func post(_ client: some TestClientProtocol, headers: HTTPFields, uri: String = "/ovirt/create_vlan")
        async throws -> (HTTPResponse.Status, [String: Any]?)
    {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "text/plain" }
        return try await client.execute(uri: uri, method: .post, headers: headers,
                                        body: ByteBuffer(string: try AuthHarness.example("create_vlan.json"))) { response in
            (response.status, try? AuthHarness.json(response.body))
        }
    }

    @Test func crossSitePostsAreRefusedWithAJSONErrorAndAudited() async throws {
        try await AuthHarness.with { harness in
            try await harness.application(.open()).test(.router) { client in
                let refused: [HTTPFields] = [
                    [.origin: "http://evil.example"],
                    [.origin: "null"],
                    [.origin: "http://localhost:6300"],
                    [CrossSiteGuard.secFetchSite: "cross-site"],
                    [CrossSiteGuard.secFetchSite: "same-site"],
                    [.origin: "http://evil.example", .contentType: "application/x-www-form-urlencoded"],
                ]
                for headers in refused {
                    let (status, body) = try await post(client, headers: headers)
                    #expect(status == .forbidden, "\(headers)")
                    let error = body?["error"] as? [String: Any]
                    #expect(error?["code"] as? String == "cross_site_request", "\(headers)")
                    #expect(error?["fix"] is String)
                }
                #expect(try await harness.runner.store.jobs(matching: JobFilter()).isEmpty, "nothing was created")

                // curl (no Origin) and a same-origin page still work.
                let (plain, _) = try await post(client, headers: [.contentType: "application/json"])
                #expect(plain == .accepted)
                let (sameOrigin, _) = try await post(client, headers: [.origin: "http://localhost",
                                                                       .contentType: "application/json"])
                #expect(sameOrigin == .accepted)
                // Reads are not state-changing: a browser may load them, and without CORS it cannot read them.
                try await client.execute(uri: "/api/v1/vms", method: .get, headers: [.origin: "http://evil.example"]) {
                    response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.accessControlAllowOrigin] == nil)
                }

                try await client.execute(uri: "/api/v1/audit?outcome=denied", method: .get) { response in
                    let entries = try #require(try AuthHarness.json(response.body)["entries"] as? [[String: Any]])
                    #expect(entries.count == refused.count)
                    #expect(entries.allSatisfy { $0["code"] as? String == "cross_site_request" })
                }
            }
        }
    }

    // A rebinding `Host` (attacker.example resolving to 127.0.0.1) is refused: Tests/Integration/test_auth.py
    // sends it over a raw connection, as the test clients here always send `localhost`.

    @Test func hostAndOriginParsing() {
        #expect(CrossSiteGuard.hostName("127.0.0.1:6299") == "127.0.0.1")
        #expect(CrossSiteGuard.hostName("[::1]:6299") == "[::1]")
        #expect(CrossSiteGuard.hostName("localhost") == "localhost")
        #expect(CrossSiteGuard.origin("http://127.0.0.1:6299", matches: "127.0.0.1:6299"))
        #expect(CrossSiteGuard.origin("https://api.example", matches: "api.example:443"))
        #expect(!CrossSiteGuard.origin("http://127.0.0.1:6300", matches: "127.0.0.1:6299"))
        #expect(!CrossSiteGuard.origin("http://127.0.0.1:6299.evil.example", matches: "127.0.0.1:6299"))
        #expect(LoopbackAddress.contains("127.0.0.2") && LoopbackAddress.contains("[::1]") && LoopbackAddress.contains("LOCALHOST"))
        #expect(!LoopbackAddress.contains("0.0.0.0") && !LoopbackAddress.contains("10.0.0.1") && !LoopbackAddress.contains("127.evil"))
    }
}
