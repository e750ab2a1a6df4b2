import AggregatorCore
import Foundation
import JWTKit

/// The keys of a JWKS file, each bound at load to the one algorithm it verifies.
///
/// jwt-kit 5 gives a JWKS key without `alg` the algorithm named by the header of the first token
/// it sees for that key, and keeps it for the life of the process, even when that token does
/// not verify: one forged header would lock valid tokens out. So every key handed to jwt-kit
/// here carries `alg`: its own when it is one of `auth.jwt.algorithms`, otherwise the one
/// configured algorithm that fits its key type. jwt-kit then never takes an algorithm from a
/// token.
///
/// Left out (listed in ``skipped``, not an error): keys whose `use` is not `sig` or whose
/// `key_ops` lacks `verify` (encryption keys, as Keycloak publishes), keys of another type than
/// RSA, EC and OKP, and keys whose own `alg` is not configured.
///
/// Refused (``JWKSLoadError``): a file that is not a key set, a key without `alg` that no
/// configured algorithm fits or several do, a key whose `alg` does not fit its type, a key
/// jwt-kit cannot read, two keys with one `kid`, a key without `kid` beside other keys, and a
/// file with no key left.
struct JWTVerificationKeys: Sendable {
    /// jwt-kit's keys, every one with its algorithm.
    let collection: JWTKeyCollection
    /// The algorithm of each key with a `kid`, by `kid`.
    let algorithms: [String: JWTSigningAlgorithm]
    /// The algorithm of the only key when the file holds exactly one: a token without `kid`
    /// may use it. Nil when the file holds several keys.
    let soleKeyAlgorithm: JWTSigningAlgorithm?
    /// The keys left out, and why (`keys[1] (kid 'enc'): its use is 'enc', not 'sig'`).
    let skipped: [String]

    /// The kid under which a key without one is kept in jwt-kit's collection; tokens never
    /// reach it by this name (``algorithms`` does not hold it), only as the sole, default key.
    private static let soleKeyID = "vmaggregator.sole-key-without-kid"

    /// Reads `jwksJSON` (`{"keys": [...]}`) for the `accepted` algorithms.
    /// - Throws: ``JWKSLoadError`` naming the key at fault and how to fix it.
    static func load(jwksJSON: String, accepting accepted: [JWTSigningAlgorithm]) async throws -> JWTVerificationKeys {
        let configured = accepted.map(\.name).joined(separator: ", ")
        guard let set = try? JSONSerialization.jsonObject(with: Data(jwksJSON.utf8)) as? [String: Any],
              let entries = set["keys"] as? [Any]
        else {
            throw JWKSLoadError(key: nil, message: "is not a JSON object with a 'keys' list",
                                fix: "save the issuer's jwks_uri document (a JSON object with a 'keys' list) to this file")
        }

        struct Prepared {
            var label: String
            var kid: String?
            var algorithm: JWTSigningAlgorithm
            var object: [String: Any]
        }
        var prepared: [Prepared] = []
        var skipped: [String] = []
        for (index, entry) in entries.enumerated() {
            guard let object = entry as? [String: Any] else {
                throw JWKSLoadError(key: "keys[\(index)]", message: "is not a JSON object",
                                    fix: "save the issuer's jwks_uri document unchanged")
            }
            var kid: String?
            if let value = object["kid"] {
                guard let text = value as? String, !text.isEmpty else {
                    throw JWKSLoadError(key: "keys[\(index)]", message: "its kid is not a non-empty string",
                                        fix: "save the issuer's jwks_uri document unchanged")
                }
                kid = text
            }
            let label = kid.map { "keys[\(index)] (kid '\($0)')" } ?? "keys[\(index)]"
            if let use = object["use"] {
                guard let text = use as? String, text == "sig" else {
                    skipped.append("\(label): its use is '\(use)', not 'sig'")
                    continue
                }
            }
            if let operations = object["key_ops"] {
                guard let list = operations as? [Any], list.contains(where: { $0 as? String == "verify" }) else {
                    skipped.append("\(label): its key_ops do not include 'verify'")
                    continue
                }
            }
            guard let keyType = object["kty"] as? String else {
                throw JWKSLoadError(key: label, message: "has no key type (kty)",
                                    fix: "save the issuer's jwks_uri document unchanged")
            }
            guard ["RSA", "EC", "OKP"].contains(keyType) else {
                skipped.append("\(label): its key type '\(keyType)' is not RSA, EC or OKP")
                continue
            }
            let curve = object["crv"] as? String
            let kind = curve.map { "\(keyType) \($0)" } ?? keyType
            let algorithm: JWTSigningAlgorithm
            if let value = object["alg"] {
                guard let name = value as? String else {
                    throw JWKSLoadError(key: label, message: "its alg is not a string",
                                        fix: "save the issuer's jwks_uri document unchanged")
                }
                guard let named = JWTSigningAlgorithm(name: name), accepted.contains(named) else {
                    skipped.append("\(label): its alg '\(name)' is not in auth.jwt.algorithms (\(configured))")
                    continue
                }
                guard named.fits(keyType: keyType, curve: curve) else {
                    throw JWKSLoadError(key: label, message: "its alg \(name) does not fit its key type (\(kind))",
                                        fix: "correct the key's alg or remove the key from the file")
                }
                algorithm = named
            } else {
                let fitting = accepted.filter { $0.fits(keyType: keyType, curve: curve) }
                guard fitting.count == 1 else {
                    let fix = "set auth.jwt.algorithms to the one algorithm the issuer signs with for \(kind) keys"
                        + " (its tokens' header alg), or add \"alg\" to the key"
                    let message = fitting.isEmpty
                        ? "has no alg, and none of auth.jwt.algorithms (\(configured)) fits its key type (\(kind))"
                        : "has no alg, and several of auth.jwt.algorithms fit its key type (\(kind)): "
                            + fitting.map(\.name).joined(separator: ", ")
                    throw JWKSLoadError(key: label, message: message, fix: fix)
                }
                algorithm = fitting[0]
            }
            prepared.append(Prepared(label: label, kid: kid, algorithm: algorithm, object: object))
        }

        guard !prepared.isEmpty else {
            let reasons = skipped.isEmpty ? "it lists none" : skipped.joined(separator: "; ")
            throw JWKSLoadError(key: nil, message: "holds no signing key for \(configured): \(reasons)",
                                fix: "save the issuer's current jwks_uri document, and list the algorithms it signs with "
                                    + "in auth.jwt.algorithms")
        }
        if prepared.count > 1, let keyless = prepared.first(where: { $0.kid == nil }) {
            throw JWKSLoadError(key: keyless.label, message: "has no kid, beside \(prepared.count - 1) other key(s): "
                                    + "a token could not name it",
                                fix: "add the kid the issuer's tokens name in their header, or keep only this key in the file")
        }

        let collection = JWTKeyCollection()
        var algorithms: [String: JWTSigningAlgorithm] = [:]
        for key in prepared {
            if let kid = key.kid {
                guard algorithms[kid] == nil else {
                    throw JWKSLoadError(key: key.label, message: "has the same kid as an earlier key",
                                        fix: "give every key its own kid (save the issuer's jwks_uri document unchanged)")
                }
                algorithms[kid] = key.algorithm
            }
            var object = key.object
            object["alg"] = key.algorithm.name
            object["kid"] = key.kid ?? soleKeyID
            do {
                let jwk = try JSONDecoder().decode(JWK.self, from: JSONSerialization.data(withJSONObject: object))
                try await collection.add(jwk: jwk)
                // The key verifies with its own algorithm, whatever a token's header says.
                _ = try await collection.getKey(for: JWKIdentifier(string: key.kid ?? soleKeyID))
            } catch {
                throw JWKSLoadError(key: key.label, message: "is not a usable \(key.algorithm.name) key: \(error)",
                                    fix: "save the issuer's jwks_uri document unchanged")
            }
        }
        return JWTVerificationKeys(collection: collection, algorithms: algorithms,
                                   soleKeyAlgorithm: prepared.count == 1 ? prepared[0].algorithm : nil,
                                   skipped: skipped)
    }
}

/// A JWKS file that cannot be used: which key (`keys[2] (kid 'abc')`, nil for the whole file),
/// what is wrong, and how to fix it.
struct JWKSLoadError: Error, Sendable, CustomStringConvertible {
    /// The key at fault, or nil for the file as a whole.
    var key: String?
    var message: String
    var fix: String

    var description: String {
        (key.map { "\($0) " } ?? "") + message + " (fix: \(fix))"
    }
}
