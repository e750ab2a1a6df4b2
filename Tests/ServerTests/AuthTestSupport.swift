import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import Logging
import SQLiteJobStore
import Testing

@testable import Server

/// One `e15-test` test backend, a job runner on a fresh SQLite file (which keeps the audit
/// trail), and a token per role.
struct AuthHarness: Sendable {
    static let tokens: [Role: String] = [
        .reader: "vma_reader-token-for-tests-only-000000000000",
        .operator: "vma_operator-token-for-tests-only-0000000000",
        .admin: "vma_admin-token-for-tests-only-00000000000000",
    ]

    static var configuredTokens: [APIToken] {
        Role.all.map { APIToken(name: "\($0)-token", role: $0, digest: TokenDigest.of(token: tokens[$0]!)) }
    }

    var store: SQLiteJobStore
    var runner: JobRunner
    var inventory: EngineSet

    func application(_ access: AccessControl) -> some ApplicationProtocol {
        Application(router: AggregatorServer.buildRouter(inventory: inventory, jobs: runner, access: access))
    }

    /// Runs `body` with the runner running; removes the database afterwards.
    static func with(_ body: (AuthHarness) async throws -> Void) async throws {
        let inventory = EngineSet(backends: [RegisteredBackend(backend: FixedBackend(name: "e15-test"), timeout: .seconds(5))],
                                  logger: Logger(label: "test"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
        let runner = JobRunner(store: store, inventory: inventory, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runner.run() }
            defer { group.cancelAll() }
            try await body(AuthHarness(store: store, runner: runner, inventory: inventory))
        }
    }

    static func example(_ name: String) throws -> String {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../examples").standardized
        return try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    static func text(_ buffer: ByteBuffer) -> String {
        String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    static func bearer(_ token: String?) -> HTTPFields {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return headers
    }
}

/// A single sign-on issuer for tests: one RSA key that signs tokens (RS256, RS384 or PS256) and
/// the JWKS documents that publish its public half, with or without `alg` (Entra ID publishes
/// its keys without).
struct RSATestIssuer: Sendable {
    static let issuer = "https://sso.example/realms/infra"
    static let audience = "vmaggregator"
    /// Claims of a token that maps to the operator role: `sub` alice, `iss`, `aud` and `exp`.
    static let claims: [String: BearerClaims.Value] = [
        "sub": .string("alice"), "iss": .string(issuer), "aud": .array([.string(audience), .string("account")]),
        "realm_access": .object(["roles": .array([.string("vm-operators")])]),
    ]

    /// Settings that accept this issuer's tokens, RS256 only unless `algorithms` says otherwise.
    static func settings(algorithms: [JWTSigningAlgorithm] = [.rs256], requiredType: String? = nil,
                         authorizedParties: [String]? = nil) -> JWTSettings {
        JWTSettings(issuer: issuer, audience: audience, jwksFile: "sso-jwks.json", roleClaim: "realm_access.roles",
                    roles: ["vm-readers": .reader, "vm-operators": .operator, "vm-admins": .admin],
                    algorithms: algorithms, requiredType: requiredType, authorizedParties: authorizedParties)
    }

    /// A 2048-bit RSA key made for these tests only (`openssl genpkey -algorithm RSA`); it
    /// guards nothing. A fixed key keeps the tests fast: generating one takes a while.
    static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDWQwmQ+a4YXYQf
        +WegmZH6lZuvmL0PtBJ2nVxuI3b+Z7w5wki7KCjSNq4Yn8wYLlMsukLlo5wCHrwD
        S2R3L5nYgZmdanwbTQ0ShtZ9gwU7cGICja9ysbpaxECDZqYzDrFD1j9fII3iH1DS
        ryuo7Hd0labhCIVjbYXcULlWIjmi9iwGgHOm+/AOD9z1tT93win9pck5E4mumbaG
        Wl7qA1I2JXP4JmINOSwCtYjMSNuEsjwZ6Dq7m0HobgZwYVH8eYPi6rAyy5ils7Ev
        vCJXXWU53e4/Hch/1ubhP3QK+3l0YvCldPxetMfIoeWZmURGJsnONVf5t5HyMa3C
        Pq07uWLzAgMBAAECggEAB5h2O76EZoFHEi9TvUoH9n5VW2Wf6w2mi3ckTPfoG5vr
        Q6yxdQe3Ck4LmZjfRy4r5hvZ0yYb0qiHRBQwL592bQMLl6rzGlsbLweQHABkjHrS
        mGzpTQ4Vi/kwErv8cxoiSrX1tNLEq/oRcezNBez0hnjncRLqM6AUmyJSklQsYsjd
        PLHH91i+8jJrn256/g3a0V89pXLgsvKozMQc7lIJXVYMgQwjKvaC4chL5zymw3iZ
        ffdMy/7XU0S4KI00NrUROxJTH9DgcsspJG8qKiokrUiilDjuMwojCNsG2vOEV9gq
        N/FR/kE22DOagQHcNof8I/d2jwOIxhKtY4ZZ8DcP+QKBgQD0D9txrOGF3D1kaVWd
        JxGoMsVjqKKJy6a09p876VXix2bS0lXBSBcT9BV54ZcNQJhDpQm286HNmIb4YA/6
        LjMRV8RnqSu0BFxZSmRpjVx5sS4PpLd2HRa6lsEA2yMdBf283z5QwkwKAg/kqNfH
        tWai8QDniSqidUsekZ0RP9YVWwKBgQDgvgYREJ6fLWrEGv1j81CdG01So8h3o3P6
        zJVYOaesPYxxlZk3Q9+yluv5+7gIB0LyU+JkMqDhzCXtCECbnMs1K9eRf3f82/S2
        duSntD5411iVkc3MTRRvX142+iE5kMYAqk6Tg55DkRqMWR6xz5292/HSKu/+lZBb
        4XoOMy2kSQKBgQDBz1HZHIterH2IHmmhSWQpKGA9eq3QNQumSu46Olo8o1JQ+jyl
        JyVEcCEZz34PRQtlNErZoPENfiE4XbhyWHuvOv45v0p4Qro/IedJNruH256TR590
        yTbCZ3LOxjZFFvvfH3yxzwlpLSgH0djAu5nMrQul0fQsXG6R0Npk10efXwKBgHda
        07P6ZJNatmnhf5K2ZKibGEx8KPnIt86JGgNZ0z95DH5CGbWs+T9KQZZoZYr1+Erj
        28ak0KY6GiYxDMbX1V+uofRmgt2qHuNMbxDVe5wHmccNQQNwKBshxdJisoR064Ls
        74AOFV4C0NuadN+vyDFNfrbEEOLeoWT6cSzbZzDpAoGBALEWaqSRfHKdj0zr/GbM
        rNn76ZiBEdHET/xjAXMpqShhjd/JPRGYviJNsi3gaGzGvQQLN3FZDNwsvPhAGPGx
        bHH2c2nO6o+jybMbQwi+IfhAbbuG9ABsUiAARBgaawDZP3OMNIFv5fo3q1xRLpaB
        8Mu00l5IVSSrvhLCSLloqwza
        -----END PRIVATE KEY-----
        """

    let key: Insecure.RSA.PrivateKey
    let kid: String
    private let signers: [String: JWTKeyCollection]

    init(kid: String = "kid1") async throws {
        key = try Insecure.RSA.PrivateKey(pem: Self.privateKeyPEM)
        self.kid = kid
        var signers: [String: JWTKeyCollection] = [:]
        for (name, digest) in [("RS256", DigestAlgorithm.sha256), ("RS384", .sha384)] {
            signers[name] = await JWTKeyCollection().add(rsa: key, digestAlgorithm: digest, kid: JWKIdentifier(string: kid))
        }
        signers["PS256"] = await JWTKeyCollection().add(pss: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
        self.signers = signers
    }

    /// The JWK of the public key: `alg` only when given; `kid` this issuer's, or `kid` when
    /// given, or none with `omittingKid`; plus `extra` members.
    func jwk(alg: String? = nil, kid: String? = nil, omittingKid: Bool = false,
             extra: [String: String] = [:]) throws -> [String: String] {
        let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
        var object = ["kty": "RSA", "n": Self.base64URL(modulus), "e": Self.base64URL(exponent)]
        if let alg { object["alg"] = alg }
        if !omittingKid { object["kid"] = kid ?? self.kid }
        object.merge(extra) { _, new in new }
        return object
    }

    /// A JWKS document of `keys`.
    static func jwks(_ keys: [[String: String]]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys]), as: UTF8.self)
    }

    /// The JWKS of the public key alone, without `alg` unless given.
    func jwks(alg: String? = nil) throws -> String {
        try Self.jwks([jwk(alg: alg)])
    }

    /// A token signed with `algorithm` (RS256, RS384 or PS256) by this issuer's key, whose header
    /// names `kid` (this issuer's unless given; none with `omittingKid`) and carries `header`'s
    /// other fields, with ``claims`` changed by `edit`, expiring in five minutes.
    func token(algorithm: String = "RS256", kid: String? = nil, omittingKid: Bool = false,
               header: JWTHeader = JWTHeader(),
               _ edit: (inout [String: BearerClaims.Value]) -> Void = { _ in }) async throws -> String {
        let signer = try #require(signers[algorithm])
        var claims = Self.claims
        let now = Date().timeIntervalSince1970
        claims["exp"] = .number(now + 300)
        claims["iat"] = .number(now)
        edit(&claims)
        var header = header
        header.alg = algorithm
        header.remove("kid")
        if !omittingKid { header.kid = kid ?? self.kid }
        // The signer holds one key, its default: used whatever kid the header names, or none.
        return try await signer.sign(BearerClaims(claims), header: header)
    }

    /// An unsigned token with `header` (JSON text) and a junk signature: what anyone can send.
    static func forged(header: String, payload: String = #"{"sub":"eve","iss":"https://sso.example/realms/infra"}"#)
        -> String
    {
        base64URL(Data(header.utf8)) + "." + base64URL(Data(payload.utf8)) + "." + base64URL(Data(repeating: 7, count: 256))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
