import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("SSO and API authentication")
struct AuthenticationTests {
    @Test func tokenGrantReturnsBearerTokenWithStringExpiry() async throws {
        try await withSimulatedEngine { client in
            let response = try await client.ssoToken(username: "admin@internal", password: "admin")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(json["token_type"] as? String == "bearer")
            #expect(json["scope"] as? String == "ovirt-app-api")
            #expect((json["exp"] as? String).flatMap { Int64($0) } != nil)
            #expect((json["access_token"] as? String)?.isEmpty == false)
        }
    }

    @Test func badPasswordIsAccessDenied() async throws {
        try await withSimulatedEngine { client in
            let response = try await client.ssoToken(username: "admin@internal", password: "wrong")
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(json["error_code"] as? String == "access_denied")
            #expect(json["error"] is String)
        }
    }

    @Test func missingScopeIsInvalidRequest() async throws {
        try await withSimulatedEngine { client in
            let response = try await client.ssoToken(username: "admin@internal", password: "admin", scope: nil)
            #expect(response.status == .badRequest)
            #expect(response.text.contains("invalid_request"))
            #expect(response.text.contains("Missing parameter: 'scope'"))
        }
    }

    @Test func apiWithoutValidTokenIs401WithEmptyBody() async throws {
        try await withSimulatedEngine { client in
            for token in [nil, "not-a-token"] as [String?] {
                let response = try await client.get("/ovirt-engine/api/vms", token: token)
                #expect(response.status == .unauthorized)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func bearerAndBasicAuthAreAccepted() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            #expect(try await client.get("/ovirt-engine/api", token: token).status == .ok)
            let basic = "Basic " + Data("admin@internal:admin".utf8).base64EncodedString()
            let response = try await client.get("/ovirt-engine/api/hosts", token: nil, extra: [.authorization: basic])
            #expect(response.status == .ok)
            let wrong = "Basic " + Data("admin@internal:nope".utf8).base64EncodedString()
            #expect(try await client.get("/ovirt-engine/api", token: nil, extra: [.authorization: wrong]).status == .unauthorized)
        }
    }

    @Test func logoutRevokesTheToken() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let logout = try await client.execute(
                uri: "/ovirt-engine/services/sso-logout",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "scope=ovirt-app-api&token=\(token)")
            )
            #expect(logout.status == .ok)
            #expect(logout.text == "{}")
            #expect(try await client.get("/ovirt-engine/api", token: token).status == .unauthorized)
        }
    }

    @Test func expireTokensForcesReLogin() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            #expect(try await client.get("/ovirt-engine/api/vms", token: token).status == .ok)
            let expire = try await client.execute(uri: "/__sim/expire-tokens", method: .post)
            #expect(expire.status == .ok)
            #expect(try await client.get("/ovirt-engine/api/vms", token: token).status == .unauthorized)
            let fresh = try await client.login()
            #expect(try await client.get("/ovirt-engine/api/vms", token: fresh).status == .ok)
        }
    }

    @Test(arguments: [("4", HTTPResponse.Status.ok), ("x", .badRequest), ("3", .notFound)])
    func versionHeader(value: String, status: HTTPResponse.Status) async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let response = try await client.get(
                "/ovirt-engine/api/clusters",
                token: token,
                extra: [HTTPField.Name("Version")!: value]
            )
            #expect(response.status == status)
        }
    }

    @Test func v4PathPrefixIsAnAlias() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let plain = try await client.get("/ovirt-engine/api/clusters", token: token)
            let aliased = try await client.get("/ovirt-engine/api/v4/clusters", token: token)
            #expect(aliased.status == .ok)
            #expect(aliased.text == plain.text)
            #expect(try await client.get("/ovirt-engine/api/v3/clusters", token: token).status == .notFound)
        }
    }

    @Test func pkiResourceOverPlainHTTPIsNotFound() async throws {
        try await withSimulatedEngine { client in
            let response = try await client.execute(
                uri: "/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA",
                method: .get
            )
            #expect(response.status == .notFound)
            let bad = try await client.execute(uri: "/ovirt-engine/services/pki-resource?resource=nope", method: .get)
            #expect(bad.status == .badRequest)
        }
    }
}
