import AggregatorCore
import Foundation
import JWTKit

/// Verifies single sign-on bearer tokens (JWTs) with jwt-kit against the issuer's keys (a JWKS
/// file) and maps them to an ``APIIdentity`` by the configured role claim.
///
/// Before any key is touched, the token's header is read here: its `alg` must be one of
/// ``JWTSettings/algorithms``, its `typ` the ``JWTSettings/requiredType`` when one is set, and
/// its `kid` must name a key of the file whose algorithm is that `alg` (a token without `kid`
/// only when the file holds one key). Only then does jwt-kit check the signature with that key
/// alone, and then `exp` (required), `nbf`, `iss`, `aud` and `azp` are checked here with the
/// configured leeway. See ``JWTSettings`` for the rules, and ``JWTVerificationKeys`` for how
/// each key is bound to one algorithm at load.
public struct JWTBearerVerifier: Sendable {
    let settings: JWTSettings
    let keys: JWTVerificationKeys

    /// Keys of the JWKS file that were left out, and why (encryption keys, keys for algorithms
    /// not in `auth.jwt.algorithms`), for the start-up log.
    public var skippedKeys: [String] { keys.skipped }

    /// - Parameter jwksJSON: The JSON Web Key Set (`{"keys": [...]}`) with the issuer's public keys.
    /// - Throws: ``ConfigurationError`` at `auth.jwt.jwks_file` when the key set cannot be used,
    ///   naming the key at fault and the fix.
    public init(settings: JWTSettings, jwksJSON: String) async throws {
        self.settings = settings
        do {
            keys = try await JWTVerificationKeys.load(jwksJSON: jwksJSON, accepting: settings.algorithms)
        } catch {
            let problem = error as? JWKSLoadError
                ?? JWKSLoadError(key: nil, message: "cannot be read: \(error)", fix: "save the issuer's jwks_uri document to this file")
            let message = "the JWKS file \(settings.jwksFile)" + (problem.key.map { ": \($0)" } ?? "") + " " + problem.message
            if let location = settings.location {
                throw ConfigurationError(location: location, keyPath: "auth.jwt.jwks_file", message: message, fix: problem.fix)
            }
            throw ConfigurationError(file: nil, keyPath: "auth.jwt.jwks_file", message: message, fix: problem.fix)
        }
    }

    /// True when `token` has the shape of a JWT (three base64url parts) rather than an API token.
    static func looksLikeJWT(_ token: String) -> Bool {
        token.utf8.count > 20 && token.utf8.lazy.filter { $0 == UInt8(ascii: ".") }.count == 2
    }

    /// The caller `token` identifies.
    /// - Throws: ``AccessDenied`` (401 for a token that does not verify, 403 for one that grants no role).
    func identify(_ token: String, now: Date = Date()) async throws -> APIIdentity {
        guard let header = JWTHeaderFields(token: token) else {
            throw AccessDenied.invalidToken("its header is not a JSON object naming its algorithm (alg)")
        }
        guard let algorithm = JWTSigningAlgorithm(name: header.alg), settings.algorithms.contains(algorithm) else {
            throw AccessDenied.invalidToken("its algorithm (alg) is not one of "
                + settings.algorithms.map(\.name).joined(separator: ", "))
        }
        guard header.crit == nil else {
            throw AccessDenied.invalidToken("it names critical header extensions (crit) this server does not know")
        }
        if let requiredType = settings.requiredType, !settings.acceptsType(header.typ) {
            throw AccessDenied.invalidToken("it is not an access token: its type (typ) is not \(requiredType)")
        }
        let keyAlgorithm: JWTSigningAlgorithm
        if let kid = header.kid {
            guard let known = keys.algorithms[kid] else {
                throw AccessDenied.invalidToken("its key id (kid) names no key of the issuer's key set")
            }
            keyAlgorithm = known
        } else {
            guard let sole = keys.soleKeyAlgorithm else {
                throw AccessDenied.invalidToken("it names no key (kid), and the issuer's key set holds several")
            }
            keyAlgorithm = sole
        }
        guard keyAlgorithm == algorithm else {
            throw AccessDenied.invalidToken("its algorithm (alg) is not the one of its key")
        }

        let claims: BearerClaims
        do {
            claims = try await keys.collection.verify(token, as: BearerClaims.self, iteratingKeys: false)
        } catch {
            throw AccessDenied.invalidToken("its signature or format does not verify")
        }
        let leeway = Double(settings.leeway.components.seconds)
        guard let expires = claims.number("exp") else {
            throw AccessDenied.invalidToken("it has no expiry (exp)")
        }
        guard expires + leeway > now.timeIntervalSince1970 else {
            throw AccessDenied.invalidToken("it has expired")
        }
        if let notBefore = claims.number("nbf"), notBefore - leeway > now.timeIntervalSince1970 {
            throw AccessDenied.invalidToken("it is not valid yet (nbf)")
        }
        guard case .string(let issuer)? = claims.values["iss"], issuer == settings.issuer else {
            throw AccessDenied.invalidToken("it was not issued by the configured issuer (iss)")
        }
        guard claims.strings("aud").contains(settings.audience) else {
            throw AccessDenied.invalidToken("it is not meant for this audience")
        }
        if let parties = settings.authorizedParties {
            guard case .string(let party)? = claims.values["azp"], parties.contains(party) else {
                throw AccessDenied.invalidToken("it was not issued to an authorized client (azp)")
            }
        }
        guard let subject = claims.strings(settings.subjectClaim).first, !subject.isEmpty else {
            throw AccessDenied.invalidToken("it has no '\(settings.subjectClaim)' claim naming the caller")
        }
        guard let role = settings.role(forClaimValues: claims.strings(settings.roleClaim)) else {
            throw AccessDenied.noRole(subject: subject, claim: settings.roleClaim)
        }
        return APIIdentity(name: subject, role: role, method: .jwt)
    }
}

/// Any JWT payload, kept as JSON values so configured claims can be read by name.
struct BearerClaims: JWTPayload {
    indirect enum Value: Codable, Sendable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case array([Value])
        case object([String: Value])
        case null

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([Value].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: Value].self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .array(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            case .null: try container.encodeNil()
            }
        }
    }

    var values: [String: Value]

    init(_ values: [String: Value]) { self.values = values }

    init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: Value].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    /// Claims are checked by ``JWTBearerVerifier`` against the configuration.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The value at a claim path; dots reach into objects (`realm_access.roles`).
    func value(_ path: String) -> Value? {
        var current: Value? = .object(values)
        for key in path.split(separator: ".") {
            guard case .object(let members)? = current else { return nil }
            current = members[String(key)]
        }
        return current
    }

    func number(_ path: String) -> Double? {
        if case .number(let number)? = value(path) { return number }
        return nil
    }

    /// A string claim as one value, a list claim's strings, or nothing.
    func strings(_ path: String) -> [String] {
        switch value(path) {
        case .string(let text)?:
            return [text]
        case .array(let items)?:
            return items.compactMap { item -> String? in
                if case .string(let text) = item { return text }
                return nil
            }
        default:
            return []
        }
    }
}
