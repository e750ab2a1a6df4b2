import Foundation
import Testing

@testable import AggregatorCore

@Suite struct AuthConfigurationTests {
    let loader = ConfigurationLoader(knownKinds: ["ovirt"])
    static let backends = """
        defaults:
          password_env: OVIRT_PASSWORD
        backends:
          - name: e15
            type: ovirt
            url: https://e15.example/ovirt-engine/api

        """
    static let digest = TokenDigest.of(token: "vma_example").hex

    func errors(_ yaml: String, baseDirectory: String = ".") -> [ConfigurationError] {
        do {
            _ = try loader.parse(yaml, file: "backends.yaml", baseDirectory: baseDirectory)
            return []
        } catch let error as ConfigurationErrors {
            return error.errors
        } catch let error as ConfigurationError {
            return [error]
        } catch {
            Issue.record("unexpected error type: \(error)")
            return []
        }
    }

    @Test func noAuthSectionAndAuthNoneMeanNoAuthentication() throws {
        #expect(try loader.parse(Self.backends, file: "b.yaml").auth == .none)
        let none = try loader.parse(Self.backends + "auth: none\n", file: "b.yaml")
        #expect(!none.auth.requiresAuthentication)
    }

    @Test func tokensAreDeclaredByDigestWithARole() throws {
        let config = try loader.parse(Self.backends + """
            auth:
              tokens:
                - name: ci-pipeline
                  role: operator
                  sha256: \(Self.digest.uppercased())
                - name: auditor
                  role: admin
                  sha256_env: AUDITOR_SHA256
            """, file: "backends.yaml")
        #expect(config.auth.requiresAuthentication)
        #expect(config.auth.tokens.map(\.name) == ["ci-pipeline", "auditor"])
        #expect(config.auth.tokens.map(\.role) == [.operator, .admin])
        #expect(config.auth.tokens[0].digest == TokenDigest(hex: Self.digest))
        #expect(config.auth.tokens[1].digest == nil, "resolved from the environment later")
        #expect(config.auth.tokens[1].location != nil)

        let other = TokenDigest.of(token: "vma_auditor").hex
        let resolved = try config.resolvingSecrets(environment: ["OVIRT_PASSWORD": "x", "AUDITOR_SHA256": other + "\n"])
        #expect(resolved.auth.tokens[1].digest?.hex == other)
        let registry = TokenRegistry(resolved.auth.tokens)
        #expect(registry.match("vma_auditor")?.name == "auditor")
        #expect(registry.match("vma_example")?.role == .operator)
        #expect(registry.match("vma_examplf") == nil)
        #expect(registry.match("") == nil)
    }

    @Test func digestFromAFileBesideTheConfiguration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try (Self.digest + "\n").write(to: directory.appendingPathComponent("ci.sha256"), atomically: true, encoding: .utf8)
        try "vma_not_a_digest".write(to: directory.appendingPathComponent("bad.sha256"), atomically: true, encoding: .utf8)
        let yaml = Self.backends + """
            auth:
              tokens:
                - {name: ci, role: reader, sha256_file: ci.sha256}
                - {name: bad, role: reader, sha256_file: bad.sha256}
                - {name: gone, role: reader, sha256_env: NOT_SET}
            """
        let config = try loader.parse(yaml, file: "backends.yaml", baseDirectory: directory.path)
        #expect(throws: ConfigurationErrors.self) { try config.resolvingSecrets(environment: ["OVIRT_PASSWORD": "x"]) }
        do {
            _ = try config.resolvingSecrets(environment: ["OVIRT_PASSWORD": "x"])
        } catch let error as ConfigurationErrors {
            let text = error.errors.map(\.description)
            #expect(text.count == 2)
            #expect(text[0].contains("auth.tokens[1]") && text[0].contains("does not hold a SHA-256 digest"))
            #expect(!text[0].contains("vma_not_a_digest"), "the file's content is never echoed")
            #expect(text[1].contains("auth.tokens[2]") && text[1].contains("NOT_SET for token 'gone' is not set"))
        }
        let (resolved, problems) = config.auth.resolvingDigests(environment: [:], file: nil)
        #expect(problems.count == 2)
        #expect(TokenRegistry(resolved.tokens).match("vma_example")?.name == "ci")
    }

    @Test(arguments: [
        ("auth: tokens", "auth: must be 'none' or a mapping"),
        ("auth:\n  tokens: []", "auth: declares neither tokens nor jwt"),
        ("auth:\n  tokens:\n    - {name: a, role: root, sha256: \(AuthConfigurationTests.digest)}", "auth.tokens[0].role: unknown role 'root'"),
        ("auth:\n  tokens:\n    - {name: a, role: reader, sha256: abc}", "auth.tokens[0].sha256: must be the 64 hex digits"),
        ("auth:\n  tokens:\n    - {name: a, role: reader, token: vma_secret}", "tokens are never written in the configuration"),
        ("auth:\n  tokens:\n    - {name: a, role: reader}", "auth.tokens[0]: has no digest"),
        ("auth:\n  tokens:\n    - {name: a, role: reader, sha256: \(AuthConfigurationTests.digest), sha256_env: X}", "more than one of sha256"),
        ("auth:\n  tokens:\n    - {name: 'a b', role: reader, sha256: \(AuthConfigurationTests.digest)}", "not a valid token name"),
        ("auth:\n  tokens:\n    - {name: a, role: reader, sha256: \(AuthConfigurationTests.digest)}\n    - {name: A, role: admin, sha256: \(TokenDigest.of(token: "x").hex)}",
         "duplicate token name 'A'"),
        ("auth:\n  tokens:\n    - {name: a, role: reader, sha256: \(AuthConfigurationTests.digest)}\n    - {name: b, role: admin, sha256: \(AuthConfigurationTests.digest)}",
         "auth.tokens[1].sha256: the same digest as auth.tokens[0]"),
        ("auth:\n  token:\n    - {name: a}", "unknown key 'token'"),
        ("auth:\n  jwt: {issuer: i, audience: a, jwks_file: missing.json}", "JWKS file 'missing.json' does not exist"),
        ("auth:\n  jwt: {issuer: i, audience: a, jwks_file: x, roles: {g: boss}}", "auth.jwt.roles.g: unknown role 'boss'"),
        ("auth:\n  jwt: {issuer: i, audience: a, jwks_file: x, algorithms: []}", "auth.jwt.algorithms: must list at least one"),
        ("auth:\n  jwt: {issuer: i, audience: a, jwks_file: x, algorithms: RS256}", "auth.jwt.algorithms"),
        ("auth:\n  jwt: {issuer: i, audience: a, jwks_file: x, require_typ: ''}", "auth.jwt.require_typ: must not be empty"),
        ("auth:\n  jwt: {issuer: i, audience: a, jwks_file: x, authorized_parties: []}",
         "auth.jwt.authorized_parties: must list at least one client id"),
        ("auth:\n  jwt: {issuer: i, audience: a, jwks_file: x, authorized_parties: [a, '']}",
         "auth.jwt.authorized_parties[1]: must not be empty"),
        ("auth:\n  jwt: {issuer: i, audience: a, jwks_file: x, algorithm: RS256}", "unknown key 'algorithm'"),
    ])
    func badAuthSectionsAreLocatedErrors(section: String, expected: String) {
        let found = errors(Self.backends + section + "\n").map(\.description)
        #expect(found.contains { $0.contains(expected) }, "\(found)")
        #expect(!found.joined().contains("vma_secret"))
    }

    @Test func jwtSettingsMapClaimValuesToTheHighestRole() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"keys": []}"#.write(to: directory.appendingPathComponent("jwks.json"), atomically: true, encoding: .utf8)
        let config = try loader.parse(Self.backends + """
            auth:
              jwt:
                issuer: https://sso.example/realms/infra
                audience: vmaggregator
                jwks_file: jwks.json
                role_claim: realm_access.roles
                leeway: 5s
                roles:
                  vm-readers: reader
                  vm-admins: admin
            """, file: "backends.yaml", baseDirectory: directory.path)
        let jwt = try #require(config.auth.jwt)
        #expect(config.auth.requiresAuthentication)
        #expect(jwt.jwksFile == directory.path + "/jwks.json")
        #expect(jwt.subjectClaim == "sub")
        #expect(jwt.leeway == .seconds(5))
        #expect(jwt.role(forClaimValues: ["vm-readers", "other", "vm-admins"]) == .admin)
        #expect(jwt.role(forClaimValues: ["admin"]) == nil, "with a mapping, only mapped values count")
        let plain = JWTSettings(issuer: "i", audience: "a", jwksFile: "f")
        #expect(plain.role(forClaimValues: ["operator", "reader"]) == .operator)
    }

    @Test func rolesAreOrderedAndTokensAreRandomAndHashedStably() {
        #expect(Role.admin.includes(.operator) && Role.operator.includes(.reader))
        #expect(!Role.reader.includes(.operator) && !Role.operator.includes(.admin))
        #expect(Role(name: "Operator") == .operator && Role(name: "root") == nil)
        let first = APITokenGenerator.generate()
        let second = APITokenGenerator.generate()
        #expect(first != second)
        #expect(first.hasPrefix("vma_") && first.count == 4 + 43)
        #expect(first.allSatisfy { $0.isLetter || $0.isNumber || "_-".contains($0) })
        // SHA-256("abc"), from FIPS 180-2.
        #expect(TokenDigest.of(token: "abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TokenDigest(hex: String(repeating: "g", count: 64)) == nil)
        #expect(TokenDigest.of(token: "abc").description.hasPrefix("sha256:"))
    }

    /// Parses `jwt` (the lines under `auth:\n  jwt:`, indented by four) beside a readable JWKS file.
    func parseJWT(_ jwt: String) throws -> (JWTSettings?, [ConfigurationError]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"keys": []}"#.write(to: directory.appendingPathComponent("jwks.json"), atomically: true, encoding: .utf8)
        let yaml = Self.backends + "auth:\n  jwt:\n    issuer: https://sso.example\n    audience: vma\n    jwks_file: jwks.json\n"
            + jwt
        do {
            return (try loader.parse(yaml, file: "backends.yaml", baseDirectory: directory.path).auth.jwt, [])
        } catch let error as ConfigurationErrors {
            return (nil, error.errors)
        } catch let error as ConfigurationError {
            return (nil, [error])
        }
    }

    @Test func jwtAlgorithmsDefaultToRS256AndTheTypeAndPartyChecksToOff() throws {
        let (settings, errors) = try parseJWT("")
        #expect(errors.isEmpty, "\(errors)")
        let jwt = try #require(settings)
        #expect(jwt.algorithms == [.rs256])
        #expect(jwt.requiredType == nil && jwt.authorizedParties == nil)
        #expect(jwt.acceptsType(nil) && jwt.acceptsType("JWT"))
        #expect(JWTSettings(issuer: "i", audience: "a", jwksFile: "f").algorithms == [.rs256])
    }

    @Test func jwtAlgorithmsTypeAndPartiesAreRead() throws {
        let (settings, errors) = try parseJWT("""
                algorithms: [PS256, RS256, PS256, EdDSA]
                require_typ: at+jwt
                authorized_parties: [vm-portal, vm-cli]

            """)
        #expect(errors.isEmpty, "\(errors)")
        let jwt = try #require(settings)
        #expect(jwt.algorithms == [.ps256, .rs256, .eddsa], "in order, without repeats")
        #expect(jwt.requiredType == "at+jwt")
        #expect(jwt.authorizedParties == ["vm-portal", "vm-cli"])
    }

    @Test(arguments: [
        ("rs256", "unknown signature algorithm 'rs256'", "write RS256: algorithm names are case-sensitive"),
        ("HS256", "'HS256' is a shared-secret (HMAC) algorithm, never accepted", "use one of RS256 RS384 RS512 PS256"),
        ("none", "'none' would accept unsigned tokens", "use one of RS256"),
        ("RSA-OAEP", "unknown signature algorithm 'RSA-OAEP'", "use one of RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA"),
        ("ES256K", "unknown signature algorithm 'ES256K'", "EdDSA"),
    ])
    func anUnknownAlgorithmIsAnErrorAtItsLine(name: String, message: String, fix: String) throws {
        let (settings, errors) = try parseJWT("    algorithms:\n      - RS256\n      - \(name)\n")
        #expect(settings == nil)
        let error = try #require(errors.first { $0.keyPath == "auth.jwt.algorithms[1]" }, "\(errors)")
        #expect(errors.count == 1, "\(errors)")
        #expect(error.message == message || error.message.hasPrefix(message), "\(error.message)")
        #expect(error.fix?.contains(fix) == true, "\(String(describing: error.fix))")
        let lines = (Self.backends + "auth:\n  jwt:\n    issuer: x\n    audience: x\n    jwks_file: x\n    algorithms:\n      - RS256\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(error.location?.line == lines.count, "the line of '- \(name)'")
        #expect(error.location?.file == "backends.yaml")
        #expect(error.description.hasPrefix("backends.yaml:\(lines.count):"), "\(error.description)")
    }

    @Test(arguments: [
        ("RS256", "RSA", nil, true), ("PS512", "RSA", nil, true), ("RS256", "EC", "P-256", false),
        ("ES256", "EC", "P-256", true), ("ES256", "EC", "P-384", false), ("ES384", "EC", "P-384", true),
        ("ES512", "EC", "P-521", true), ("ES256", "RSA", nil, false), ("EdDSA", "OKP", "Ed25519", true),
        ("EdDSA", "OKP", "X25519", false), ("EdDSA", "EC", "Ed25519", false),
    ] as [(String, String, String?, Bool)])
    func algorithmsFitTheirKeyTypes(name: String, keyType: String, curve: String?, fits: Bool) throws {
        let algorithm = try #require(JWTSigningAlgorithm(name: name))
        #expect(algorithm.fits(keyType: keyType, curve: curve) == fits)
        #expect(algorithm.name == name)
    }

    @Test func onlyPublicKeyAlgorithmsAreKnown() {
        #expect(JWTSigningAlgorithm.supportedNames == "RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA")
        for name in ["HS256", "HS384", "HS512", "none", "rs256", "RSA-OAEP", ""] {
            #expect(JWTSigningAlgorithm(name: name) == nil, "\(name)")
        }
    }

    @Test func aRequiredTypeMatchesIgnoringCaseAndTheApplicationPrefix() {
        var settings = JWTSettings(issuer: "i", audience: "a", jwksFile: "f")
        settings.requiredType = "at+jwt"
        for type in ["at+jwt", "AT+JWT", "application/at+jwt", "APPLICATION/at+JWT"] {
            #expect(settings.acceptsType(type), "\(type)")
        }
        for type in [nil, "JWT", "jwt", "application/jwt", "at+jwt ", "xapplication/at+jwt", "at+jwt+x"] as [String?] {
            #expect(!settings.acceptsType(type), "\(String(describing: type))")
        }
    }
}
