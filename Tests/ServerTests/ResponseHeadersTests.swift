import AggregatorCore
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server

/// Every API answer, errors included, tells shared caches not to keep it and browsers not to
/// sniff its type.
@Suite struct ResponseHeadersTests {
    let routes = ProvisioningRoutesTests()

    @Test("Cache-Control: no-store and nosniff on listings, errors, refusals and the probes",
          .timeLimit(.minutes(1)))
    func everyAPIAnswerIsNotStoredNorSniffed() async throws {
        try await routes.withHarness { harness in
            let access = AccessControl(tokens: TokenRegistry([]))
            let router = AggregatorServer.buildRouter(inventory: harness.inventory, jobs: harness.runner, access: access)
            try await Application(router: router).test(.router) { client in
                let cases: [(String, HTTPRequest.Method, HTTPResponse.Status, HTTPFields)] = [
                    ("/api/v1/vms", .get, .ok, [:]),
                    ("/ovirt/vm_list", .get, .ok, [:]),
                    ("/api/v1/backends", .get, .ok, [:]),
                    ("/api/v1/jobs/nope", .get, .notFound, [:]),
                    ("/api/v1/vms?limit=lots", .get, .badRequest, [:]),
                    ("/nowhere", .get, .notFound, [:]),
                    ("/health", .put, .methodNotAllowed, [:]),
                    ("/ready", .get, .ok, [:]),
                    ("/api/v1/vms", .post, .forbidden, [.origin: "http://evil.example"]),
                ]
                for (uri, method, status, headers) in cases {
                    try await client.execute(uri: uri, method: method, headers: headers) { response in
                        #expect(response.status == status, "\(method) \(uri)")
                        #expect(response.headers[.cacheControl] == "no-store", "\(method) \(uri)")
                        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(method) \(uri)")
                    }
                }
                // Answers that choose their own caching keep it.
                try await client.execute(uri: "/openapi.json", method: .get) { response in
                    #expect(response.headers[.cacheControl] == "public, max-age=300")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                }
            }
        }
    }
}
