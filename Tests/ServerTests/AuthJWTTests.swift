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
        roles: ["vm-readers": .reader, "vm-operators": .operator, "vm-admins": .admin], algorithms: [.es256])

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
            ("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJldmUiLCJyb2xlcyI6WyJhZG1pbiJdfQ.", "algorithm", .unauthorized),
        ]
        for (token, reason, status) in cases {
            let denied = try #require(await rejection(token, verifier: verifier), "accepted: \(reason)")
            #expect(denied.status == status, "\(reason)")
            #expect(denied.message.contains(reason), "\(reason): \(denied.message)")
            #expect(!denied.message.contains(token))
        }
    }

    @Test(arguments: ["not json", #"{"keys": []}"#, #"{"keys": {}}"#, "[]"])
    func aKeySetWithoutUsableKeysIsAConfigurationError(jwks: String) async throws {
        await #expect(throws: ConfigurationError.self) {
            _ = try await JWTBearerVerifier(settings: Self.settings, jwksJSON: jwks)
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

    // MARK: - Algorithms, keys and claims the issuer did not mean (security review findings)

    /// jwt-kit alone gives a key without `alg` the algorithm of the first token header it sees,
    /// for good, even when that token does not verify: one forged request locked valid tokens out.
    @Test func aForgedHeaderCannotLockAKeyWithoutAlgOutOfItsAlgorithm() async throws {
        let issuer = try await RSATestIssuer()
        let verifier = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: try issuer.jwks())
        try await AuthHarness.with { harness in
            try await harness.application(AccessControl(jwt: verifier)).test(.router) { client in
                for header in [#"{"alg":"PS256","kid":"kid1"}"#, #"{"alg":"RS512","kid":"kid1"}"#, #"{"alg":"ES256","kid":"kid1"}"#] {
                    try await client.execute(uri: "/api/v1/vms", method: .get,
                                             headers: AuthHarness.bearer(RSATestIssuer.forged(header: header))) { response in
                        #expect(response.status == .unauthorized, "\(header)")
                        #expect(response.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
                    }
                }
                let valid = try await issuer.token()
                try await client.execute(uri: "/api/v1/vms", method: .get, headers: AuthHarness.bearer(valid)) { response in
                    #expect(response.status == .ok, "a valid RS256 token after the forged ones")
                }
            }
        }
    }

    @Test func aTokenIsVerifiedOnlyWithTheAlgorithmOfItsKey() async throws {
        let issuer = try await RSATestIssuer()
        let both = RSATestIssuer.settings(algorithms: [.rs256, .ps256])
        let verifier = try await JWTBearerVerifier(settings: both, jwksJSON: try issuer.jwks(alg: "RS256"))
        let pss = try await issuer.token(algorithm: "PS256")  // a good PS256 signature by the RS256 key
        let denied = try #require(await rejection(pss, verifier: verifier))
        #expect(denied.status == .unauthorized && denied.message.contains("not the one of its key"), "\(denied.message)")
        #expect(try await verifier.identify(try await issuer.token()).name == "alice")

        // With the key's alg set to PS256 it is the other way round.
        let pssVerifier = try await JWTBearerVerifier(settings: both, jwksJSON: try issuer.jwks(alg: "PS256"))
        #expect(try await pssVerifier.identify(pss).role == .operator)
        #expect(await rejection(try await issuer.token(), verifier: pssVerifier)?.status == .unauthorized)
    }

    @Test(arguments: [
        (#"{"alg":"RS384","kid":"kid1"}"#, "algorithm (alg) is not one of RS256"),
        (#"{"alg":"HS256","kid":"kid1"}"#, "algorithm"),
        (#"{"alg":"none","kid":"kid1"}"#, "algorithm"),
        (#"{"alg":"rs256","kid":"kid1"}"#, "algorithm"),
        (#"{"kid":"kid1"}"#, "header"),
        (#"{"alg":["RS256"],"kid":"kid1"}"#, "header"),
        (#"{"alg":"RS256","kid":7}"#, "header"),
        (#"["RS256"]"#, "header"),
        (#"{"alg":"RS256","kid":"kid1","crit":["exp"],"exp":1}"#, "crit"),
    ])
    func headersOutsideTheConfigurationAreRefusedBeforeAnyKey(header: String, reason: String) async throws {
        let issuer = try await RSATestIssuer()
        let verifier = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: try issuer.jwks())
        let denied = try #require(await rejection(RSATestIssuer.forged(header: header), verifier: verifier))
        #expect(denied.status == .unauthorized)
        #expect(denied.message.contains(reason), "\(denied.message)")
        #expect(try await verifier.identify(try await issuer.token()).name == "alice")
    }

    @Test func aTokenSignedWithAnAlgorithmNotConfiguredIsRefused() async throws {
        let issuer = try await RSATestIssuer()
        let verifier = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: try issuer.jwks())
        // A good RS384 signature by the issuer's key: the key would verify it, the configuration does not allow it.
        let denied = try #require(await rejection(try await issuer.token(algorithm: "RS384"), verifier: verifier))
        #expect(denied.message.contains("algorithm (alg) is not one of RS256"), "\(denied.message)")
        let rs384 = try await JWTBearerVerifier(settings: RSATestIssuer.settings(algorithms: [.rs384]),
                                                jwksJSON: try issuer.jwks())
        #expect(try await rs384.identify(try await issuer.token(algorithm: "RS384")).name == "alice")
    }

    @Test func aKidThatNamesNoKeyIsRefusedAndAMissingKidNeedsASingleKey() async throws {
        let issuer = try await RSATestIssuer()
        let verifier = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: try issuer.jwks())
        let unknown = try await issuer.token(kid: "kid9")  // the right key's signature, under a kid the set lacks
        let denied = try #require(await rejection(unknown, verifier: verifier))
        #expect(denied.message.contains("names no key"), "\(denied.message)")
        try await AuthHarness.with { harness in
            try await harness.application(AccessControl(jwt: verifier)).test(.router) { client in
                try await client.execute(uri: "/api/v1/vms", method: .get, headers: AuthHarness.bearer(unknown)) { response in
                    #expect(response.status == .unauthorized)
                }
            }
        }
        #expect(try await verifier.identify(try await issuer.token(omittingKid: true)).name == "alice",
                "one key: a token without kid uses it")

        let twoKeys = try RSATestIssuer.jwks([issuer.jwk(), issuer.jwk(kid: "kid2")])
        let twoKeyVerifier = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: twoKeys)
        let noKid = try #require(await rejection(try await issuer.token(omittingKid: true), verifier: twoKeyVerifier))
        #expect(noKid.message.contains("names no key (kid)"), "\(noKid.message)")
        #expect(try await twoKeyVerifier.identify(try await issuer.token(kid: "kid2")).name == "alice")

        let keyWithoutKid = try RSATestIssuer.jwks([issuer.jwk(omittingKid: true)])
        let soleKeyVerifier = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: keyWithoutKid)
        #expect(try await soleKeyVerifier.identify(try await issuer.token(omittingKid: true)).name == "alice")
        #expect(await rejection(try await issuer.token(), verifier: soleKeyVerifier)?.message.contains("names no key") == true)
    }

    @Test func theIssuerMustBeOneStringEqualToTheConfiguredOne() async throws {
        let issuer = try await RSATestIssuer()
        let verifier = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: try issuer.jwks())
        let values: [BearerClaims.Value?] = [
            .array([.string(RSATestIssuer.issuer)]), .array([.string(RSATestIssuer.issuer), .string("https://evil.example")]),
            .string(RSATestIssuer.issuer + "/"), .object(["iss": .string(RSATestIssuer.issuer)]), nil,
        ]
        for value in values {
            let token = try await issuer.token { $0["iss"] = value }
            let denied = try #require(await rejection(token, verifier: verifier), "accepted iss \(String(describing: value))")
            #expect(denied.status == .unauthorized && denied.message.contains("issuer"), "\(denied.message)")
        }
    }

    @Test func aRequiredTokenTypeIsCheckedInTheHeader() async throws {
        let issuer = try await RSATestIssuer()
        let verifier = try await JWTBearerVerifier(settings: RSATestIssuer.settings(requiredType: "at+jwt"),
                                                   jwksJSON: try issuer.jwks())
        for typ in ["at+jwt", "AT+JWT", "application/at+jwt", "Application/At+Jwt"] {
            #expect(try await verifier.identify(try await issuer.token(header: ["typ": .string(typ)])).name == "alice", "\(typ)")
        }
        for typ in ["JWT", "at+jwt+x", "application/jwt", "id+jwt"] {
            let denied = try #require(await rejection(try await issuer.token(header: ["typ": .string(typ)]), verifier: verifier),
                                      "accepted typ \(typ)")
            #expect(denied.message.contains("not an access token"), "\(denied.message)")
        }
        let untyped = RSATestIssuer.forged(header: #"{"alg":"RS256","kid":"kid1"}"#)
        #expect(await rejection(untyped, verifier: verifier)?.message.contains("typ") == true)

        // Not configured: the type is not looked at (jwt-kit writes typ JWT).
        let plain = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: try issuer.jwks())
        #expect(try await plain.identify(try await issuer.token(header: ["typ": .string("JWT")])).name == "alice")
    }

    @Test func authorizedPartiesRestrictTheAzpClaim() async throws {
        let issuer = try await RSATestIssuer()
        let verifier = try await JWTBearerVerifier(
            settings: RSATestIssuer.settings(authorizedParties: ["vm-portal", "vm-cli"]), jwksJSON: try issuer.jwks())
        for party in ["vm-portal", "vm-cli"] {
            #expect(try await verifier.identify(try await issuer.token { $0["azp"] = .string(party) }).name == "alice")
        }
        let refused: [BearerClaims.Value?] = [nil, .string("other-app"), .array([.string("vm-portal")]), .string("VM-PORTAL")]
        for value in refused {
            let denied = try #require(await rejection(try await issuer.token { $0["azp"] = value }, verifier: verifier),
                                      "accepted azp \(String(describing: value))")
            #expect(denied.message.contains("azp"), "\(denied.message)")
        }
        let plain = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: try issuer.jwks())
        #expect(try await plain.identify(try await issuer.token()).name == "alice", "not configured: azp is not needed")
    }

    @Test func keysForOtherAlgorithmsOrForEncryptionAreLeftOut() async throws {
        let issuer = try await RSATestIssuer()
        let jwks = try RSATestIssuer.jwks([
            issuer.jwk(alg: "RSA-OAEP", kid: "enc1", extra: ["use": "enc"]),
            issuer.jwk(alg: "RS384", kid: "kid384"),
            issuer.jwk(kid: "ops", extra: ["use": "sig"]),
            issuer.jwk(),
        ])
        let verifier = try await JWTBearerVerifier(settings: RSATestIssuer.settings(), jwksJSON: jwks)
        #expect(verifier.skippedKeys.count == 2)
        #expect(verifier.skippedKeys.first?.contains("keys[0] (kid 'enc1')") == true, "\(verifier.skippedKeys)")
        #expect(verifier.skippedKeys.last?.contains("alg 'RS384' is not in auth.jwt.algorithms") == true)
        #expect(try await verifier.identify(try await issuer.token()).name == "alice")
        #expect(try await verifier.identify(try await issuer.token(kid: "ops")).name == "alice")
        for kid in ["enc1", "kid384"] {
            #expect(await rejection(try await issuer.token(kid: kid), verifier: verifier)?.message.contains("names no key") == true)
        }
    }

    @Test func unusableKeysAreConfigurationErrorsNamingTheKey() async throws {
        let issuer = try await RSATestIssuer()
        let ecKey = try #require(ES256PrivateKey().parameters)
        let ec: [String: String] = ["kty": "EC", "crv": "P-256", "kid": "ec1", "x": ecKey.x, "y": ecKey.y]
        let cases: [([JWTSigningAlgorithm], String, String)] = [
            ([.rs256, .ps256], try issuer.jwks(), "keys[0] (kid 'kid1') has no alg, and several of auth.jwt.algorithms fit"),
            ([.es256], try issuer.jwks(), "keys[0] (kid 'kid1') has no alg, and none of auth.jwt.algorithms (ES256) fits its key type (RSA)"),
            ([.rs256, .es384], try RSATestIssuer.jwks([issuer.jwk(), ec]), "keys[1] (kid 'ec1') has no alg, and none"),
            ([.rs256], try issuer.jwks(alg: "RS256").replacingOccurrences(of: #""kty":"RSA""#, with: #""kty":"EC","crv":"P-256""#),
             "its alg RS256 does not fit its key type (EC P-256)"),
            ([.rs256], try RSATestIssuer.jwks([issuer.jwk(), issuer.jwk(omittingKid: true)]), "keys[1] has no kid, beside 1 other key"),
            ([.rs256], try RSATestIssuer.jwks([issuer.jwk(), issuer.jwk()]), "keys[1] (kid 'kid1') has the same kid"),
            ([.rs256], try RSATestIssuer.jwks([issuer.jwk(extra: ["n": "AQAB"])]), "keys[0] (kid 'kid1') is not a usable RS256 key"),
            ([.ps256], try issuer.jwks(alg: "RS256"), "holds no signing key for PS256: keys[0] (kid 'kid1'): its alg 'RS256'"),
        ]
        for (algorithms, jwks, expected) in cases {
            let settings = RSATestIssuer.settings(algorithms: algorithms)
            let error = await #expect(throws: ConfigurationError.self, "\(expected)") {
                _ = try await JWTBearerVerifier(settings: settings, jwksJSON: jwks)
            }
            let text = error?.description ?? ""
            #expect(text.contains(expected), "\(text)")
            #expect(text.contains("auth.jwt.jwks_file") && text.contains("fix:"), "\(text)")
        }
        // The fix for a key without alg says what to do.
        let error = await #expect(throws: ConfigurationError.self) {
            _ = try await JWTBearerVerifier(settings: RSATestIssuer.settings(algorithms: [.rs256, .ps256]),
                                            jwksJSON: try issuer.jwks())
        }
        #expect(error?.fix?.contains("set auth.jwt.algorithms") == true && error?.fix?.contains(#"add "alg" to the key"#) == true)
        // The same key set loads once the configuration picks one algorithm, or the key names its own.
        _ = try await JWTBearerVerifier(settings: RSATestIssuer.settings(algorithms: [.ps256]), jwksJSON: try issuer.jwks())
        _ = try await JWTBearerVerifier(settings: RSATestIssuer.settings(algorithms: [.rs256, .ps256]),
                                        jwksJSON: try issuer.jwks(alg: "PS256"))
    }
}
