import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import Testing

@testable import Server

/// Single sign-on tokens signed in the test with a locally generated ES256 key, verified
/// against a JWKS holding its public half.
@Suite struct AuthJWTTests {
    static let issuer = "https://sso.example/realms/infra"
    static let settings = JWTSettings(
        issuer: issuer, audience: "vmaggregator", jwksFile: "sso-jwks.json", roleClaim: "realm_access.roles",
        roles: ["vm-readers": .reader, "vm-operators": .operator, "vm-admins": .admin])

    struct Keys {
        let signer = JWTKeyCollection()
        let jwks: String

        init(kid: String = "k1") async throws {
            let key = ES256PrivateKey()
            let (x, y) = try #require(key.parameters)
            jwks = #"{"keys": [{"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": "\#(kid)", "x": "\#(x)", "y": "\#(y)"}]}"#
            await signer.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        }

        func token(subject: String = "alice", roles: [String] = ["vm-operators"], audience: String = "vmaggregator",
                   issuer: String = AuthJWTTests.issuer, expiresIn: TimeInterval = 300, kid: String = "k1") async throws
            -> String
        {
            let now = Date().timeIntervalSince1970
            let claims = BearerClaims([
                "sub": .string(subject), "iss": .string(issuer), "aud": .array([.string(audience), .string("account")]),
                "exp": .number(now + expiresIn), "iat": .number(now),
                "realm_access": .object(["roles": .array(roles.map { .string($0) })]),
            ])
            return try await signer.sign(claims, kid: JWKIdentifier(string: kid))
        }
    }

    func rejection(_ token: String, verifier: JWTBearerVerifier) async -> AccessDenied? {
        do {
            _ = try await verifier.identify(token)
            return nil
        } catch let denied as AccessDenied {
            return denied
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func aSignedTokenMapsToTheHighestRoleItsClaimGrants() async throws {
        let keys = try await Keys()
        let verifier = try await JWTBearerVerifier(settings: Self.settings, jwksJSON: keys.jwks)
        let identity = try await verifier.identify(try await keys.token(roles: ["vm-readers", "vm-admins", "other"]))
        #expect(identity == APIIdentity(name: "alice", role: .admin, method: .jwt))
        let operatorIdentity = try await verifier.identify(try await keys.token(subject: "bob"))
        #expect(operatorIdentity.role == .operator && operatorIdentity.name == "bob")
    }

    @Test func tokensThatDoNotVerifyOrGrantNoRoleAreRefused() async throws {
        let keys = try await Keys()
        let verifier = try await JWTBearerVerifier(settings: Self.settings, jwksJSON: keys.jwks)
        let impostor = try await Keys()  // another key under the same kid

        let cases: [(String, String, HTTPResponse.Status)] = [
            (try await keys.token(expiresIn: -3600), "expired", .unauthorized),
            (try await keys.token(audience: "another-app"), "audience", .unauthorized),
            (try await keys.token(issuer: "https://evil.example"), "issuer", .unauthorized),
            (try await impostor.token(), "signature", .unauthorized),
            (try await keys.token(roles: ["vm-nobody"]), "no role", .forbidden),
            // alg "none", unsigned
            ("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJldmUiLCJyb2xlcyI6WyJhZG1pbiJdfQ.", "signature", .unauthorized),
        ]
        for (token, reason, status) in cases {
            let denied = try #require(await rejection(token, verifier: verifier), "accepted: \(reason)")
            #expect(denied.status == status, "\(reason)")
            #expect(denied.message.contains(reason), "\(reason): \(denied.message)")
            #expect(!denied.message.contains(token))
        }
    }

    @Test func aKeySetWithoutUsableKeysIsAConfigurationError() async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await JWTBearerVerifier(settings: Self.settings, jwksJSON: "not json")
        }
    }

    @Test func routesAcceptSingleSignOnTokensBesideAPITokensAndAuditTheSubject() async throws {
        let keys = try await Keys()
        let verifier = try await JWTBearerVerifier(settings: Self.settings, jwksJSON: keys.jwks)
        try await AuthHarness.with { harness in
            let access = AccessControl(tokens: TokenRegistry(AuthHarness.configuredTokens), jwt: verifier)
            let operatorToken = try await keys.token(subject: "alice")
            try await harness.application(access).test(.router) { client in
                try await client.execute(uri: "/ovirt/create_vm?dry_run=true", method: .post,
                                         headers: [.authorization: "Bearer \(operatorToken)", .contentType: "application/json"],
                                         body: ByteBuffer(string: try AuthHarness.example("create_vm.json"))) { response in
                    #expect(response.status == .ok)
                }
                try await client.execute(uri: "/api/v1/audit", method: .get,
                                         headers: [.authorization: "Bearer \(operatorToken)"]) { response in
                    #expect(response.status == .forbidden)
                    #expect(AuthHarness.text(response.body).contains("subject 'alice' has operator"))
                }
                let noRole = try await keys.token(subject: "mallory", roles: ["vm-nobody"])
                try await client.execute(uri: "/api/v1/vms", method: .get,
                                         headers: [.authorization: "Bearer \(noRole)"]) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: "/api/v1/vms", method: .get,
                                         headers: AuthHarness.bearer(AuthHarness.tokens[.reader])) { response in
                    #expect(response.status == .ok, "API tokens still work beside the issuer's")
                }
                try await client.execute(uri: "/api/v1/audit", method: .get,
                                         headers: AuthHarness.bearer(AuthHarness.tokens[.admin])) { response in
                    let entries = try #require(try AuthHarness.json(response.body)["entries"] as? [[String: Any]])
                    #expect(entries.map { $0["who"] as? String } == ["mallory", "alice", "alice"])
                    #expect(entries.map { $0["outcome"] as? String } == ["denied", "denied", "dry_run"])
                    #expect(entries.dropFirst().allSatisfy { $0["auth_method"] as? String == "jwt" })
                }
            }
        }
    }
}
