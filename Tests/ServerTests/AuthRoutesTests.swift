import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server

@Suite struct AuthRoutesTests {
    /// A request of each route group, and the role it needs (nil: public).
    struct Route: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var uri: String
        var needs: Role?
        var body: String?
        var description: String { "\(method) \(uri)" }
    }

    static let routes: [Route] = [
        Route(method: .get, uri: "/health", needs: nil),
        Route(method: .get, uri: "/ready", needs: nil),
        Route(method: .get, uri: "/", needs: .reader),
        Route(method: .get, uri: "/ovirt/vm_list", needs: .reader),
        Route(method: .get, uri: "/ovirt/host_list", needs: .reader),
        Route(method: .get, uri: "/api/v1/vms?name=web", needs: .reader),
        Route(method: .get, uri: "/api/v1/backends", needs: .reader),
        Route(method: .get, uri: "/api/v1/jobs", needs: .reader),
        Route(method: .post, uri: "/ovirt/create_vm?dry_run=true", needs: .operator, body: "create_vm.json"),
        Route(method: .post, uri: "/ovirt/create_vlan", needs: .operator, body: "create_vlan.json"),
        Route(method: .get, uri: "/api/v1/audit", needs: .admin),
    ]

    /// Callers: no token, a token that is not configured, and one token per role.
    static let callers: [(name: String, token: String?, role: Role?)] = [
        ("no token", nil, nil),
        ("wrong token", "vma_not-a-configured-token-000000000000000000", nil),
        ("reader", AuthHarness.tokens[.reader], .reader),
        ("operator", AuthHarness.tokens[.operator], .operator),
        ("admin", AuthHarness.tokens[.admin], .admin),
    ]

    @Test(.timeLimit(.minutes(2)))
    func eachRoleCanDoExactlyWhatItAllowsAndTheAuditShowsCreatesAndDenials() async throws {
        try await AuthHarness.with { harness in
            let access = AccessControl(tokens: TokenRegistry(AuthHarness.configuredTokens))
            try await harness.application(access).test(.live) { client in
                var expectedDenials = 0
                for caller in Self.callers {
                    for route in Self.routes {
                        var headers = AuthHarness.bearer(caller.token)
                        var body: ByteBuffer?
                        if let file = route.body {
                            headers[.contentType] = "application/json"
                            body = ByteBuffer(string: try AuthHarness.example(file))
                        }
                        let denied = try await client.execute(uri: route.uri, method: route.method, headers: headers,
                                                              body: body) { response -> Bool in
                            let text = AuthHarness.text(response.body)
                            let context = "\(caller.name) \(route): \(response.status) \(text.prefix(300))"
                            if let token = caller.token {
                                #expect(!text.contains(token), "the token is echoed: \(context)")
                            }
                            guard let needed = route.needs else {
                                // Open to all; /ready says 503 until every engine was tried.
                                #expect(response.status == .ok || route.uri == "/ready" && response.status == .serviceUnavailable,
                                        "\(context)")
                                return false
                            }
                            guard let role = caller.role else {
                                #expect(response.status == .unauthorized, "\(context)")
                                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(context)")
                                let error = try #require(try AuthHarness.json(response.body)["error"] as? [String: Any])
                                #expect(error["code"] as? String == "unauthorized")
                                #expect(error["fix"] is String)
                                return true
                            }
                            if role.includes(needed) {
                                #expect((200..<300).contains(response.status.code), "\(context)")
                                return false
                            } else {
                                #expect(response.status == .forbidden, "\(context)")
                                let error = try #require(try AuthHarness.json(response.body)["error"] as? [String: Any])
                                #expect(error["code"] as? String == "forbidden")
                                #expect((error["message"] as? String)?.contains("needs the \(needed) role") == true,
                                        "\(context)")
                                return true
                            }
                        }
                        if denied { expectedDenials += 1 }
                    }
                }

                try await client.execute(uri: "/api/v1/audit?limit=1000", method: .get,
                                         headers: AuthHarness.bearer(AuthHarness.tokens[.admin])) { response in
                    #expect(response.status == .ok)
                    let entries = try #require(try AuthHarness.json(response.body)["entries"] as? [[String: Any]])
                    let denied = entries.filter { $0["outcome"] as? String == "denied" }
                    #expect(denied.count == expectedDenials)
                    #expect(denied.contains { $0["who"] as? String == "reader-token" && $0["code"] as? String == "forbidden"
                        && $0["path"] as? String == "/ovirt/create_vlan" })
                    #expect(denied.contains { $0["who"] as? String == "operator-token" && $0["path"] as? String == "/api/v1/audit" })
                    #expect(denied.contains { $0["who"] as? String == "-" && $0["code"] as? String == "unauthorized" })

                    let creates = entries.filter { $0["outcome"] as? String == "accepted" }
                    #expect(Set(creates.compactMap { $0["who"] as? String }) == ["operator-token", "admin-token"])
                    let created = try #require(creates.first)
                    #expect(created["action"] as? String == "create_vlan")
                    #expect(created["auth_method"] as? String == "token")
                    #expect((created["peer"] as? String)?.contains(":") == true, "the peer address: \(created)")
                    let items = try #require(created["items"] as? [[String: Any]])
                    #expect(items.first?["document_num"] as? String == "6666")
                    #expect(items.first?["engine"] as? String == "e15-test")
                    #expect(items.first?["target"] as? String == "2921-redvt-eqp-test-e15")
                    #expect(items.first?["job_id"] is String)

                    let dryRuns = entries.filter { $0["outcome"] as? String == "dry_run" }
                    #expect(dryRuns.count == 2)
                    let planned = try #require(dryRuns.first?["items"] as? [[String: Any]])
                    #expect(planned.first?["target"] as? String == "test_vm_11")

                    let everything = AuthHarness.text(response.body)
                    for token in AuthHarness.tokens.values { #expect(!everything.contains(token)) }
                }
                try await client.execute(uri: "/api/v1/audit?outcome=denied&limit=2", method: .get,
                                         headers: AuthHarness.bearer(AuthHarness.tokens[.admin])) { response in
                    let body = try AuthHarness.json(response.body)
                    #expect(body["count"] as? Int == 2)
                    let entries = try #require(body["entries"] as? [[String: Any]])
                    #expect(entries.allSatisfy { $0["outcome"] as? String == "denied" })
                }
                try await client.execute(uri: "/api/v1/audit?outcome=maybe", method: .get,
                                         headers: AuthHarness.bearer(AuthHarness.tokens[.admin])) { response in
                    #expect(response.status == .badRequest)
                }
            }
        }
    }

    @Test func unknownPathsNeedATokenAndCookiesAreNoCredential() async throws {
        try await AuthHarness.with { harness in
            let access = AccessControl(tokens: TokenRegistry(AuthHarness.configuredTokens))
            try await harness.application(access).test(.router) { client in
                try await client.execute(uri: "/api/v1/nothing-here", method: .get) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/api/v1/nothing-here", method: .get,
                                         headers: AuthHarness.bearer(AuthHarness.tokens[.reader])) { response in
                    #expect(response.status == .notFound)
                }
                let cookie = "token=\(AuthHarness.tokens[.admin]!)"
                try await client.execute(uri: "/ovirt/create_vlan", method: .post,
                                         headers: [.cookie: cookie, .contentType: "application/json"],
                                         body: ByteBuffer(string: try AuthHarness.example("create_vlan.json"))) { response in
                    #expect(response.status == .unauthorized)
                }
                // The router splits paths the same way: extra slashes do not reach the audit as a reader.
                try await client.execute(uri: "//api//v1/audit/", method: .get,
                                         headers: AuthHarness.bearer(AuthHarness.tokens[.reader])) { response in
                    #expect(response.status == .forbidden)
                }
            }
        }
    }

    @Test func withoutAuthenticationEverythingIsAllowedAndCreatesAreAuditedAsAnonymous() async throws {
        try await AuthHarness.with { harness in
            try await harness.application(.open()).test(.router) { client in
                try await client.execute(uri: "/ovirt/create_vlan", method: .post,
                                         headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: try AuthHarness.example("create_vlan.json"))) { response in
                    #expect(response.status == .accepted)
                }
                try await client.execute(uri: "/api/v1/audit", method: .get) { response in
                    #expect(response.status == .ok)
                    let entries = try #require(try AuthHarness.json(response.body)["entries"] as? [[String: Any]])
                    #expect(entries.count == 1)
                    #expect(entries.first?["who"] as? String == "anonymous")
                    #expect(entries.first?["auth_method"] as? String == "none")
                    #expect(entries.first?["outcome"] as? String == "accepted")
                }
            }
        }
    }
}
