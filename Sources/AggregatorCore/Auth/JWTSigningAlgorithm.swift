/// A JWS signature algorithm (RFC 7518 names) a single sign-on token may be signed with:
/// `auth.jwt.algorithms` in the configuration.
///
/// Only public-key algorithms are known, the ones jwt-kit verifies with a key of a JWKS file.
/// Shared-secret algorithms (`HS256`, ...) and unsigned tokens (`none`) never are: a JWKS of
/// public keys cannot verify them, and accepting them would let anyone who reads the key set
/// sign tokens.
///
/// ```swift
/// JWTSigningAlgorithm(name: "PS256")?.fits(keyType: "RSA", curve: nil)  // true
/// JWTSigningAlgorithm(name: "HS256")                                     // nil
/// ```
public struct JWTSigningAlgorithm: Sendable, Hashable, CustomStringConvertible {
    private enum Backing: String, CaseIterable, Sendable {
        case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
        case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
        case es256 = "ES256", es384 = "ES384", es512 = "ES512"
        case eddsa = "EdDSA"
    }

    private let backing: Backing

    private init(_ backing: Backing) { self.backing = backing }

    /// RSASSA-PKCS1-v1_5 with SHA-256: what most issuers sign with, and the default.
    public static let rs256 = Self(.rs256)
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    public static let rs384 = Self(.rs384)
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    public static let rs512 = Self(.rs512)
    /// RSASSA-PSS with SHA-256.
    public static let ps256 = Self(.ps256)
    /// RSASSA-PSS with SHA-384.
    public static let ps384 = Self(.ps384)
    /// RSASSA-PSS with SHA-512.
    public static let ps512 = Self(.ps512)
    /// ECDSA on P-256 with SHA-256.
    public static let es256 = Self(.es256)
    /// ECDSA on P-384 with SHA-384.
    public static let es384 = Self(.es384)
    /// ECDSA on P-521 with SHA-512.
    public static let es512 = Self(.es512)
    /// EdDSA on Ed25519.
    public static let eddsa = Self(.eddsa)

    /// Every supported algorithm, in the order of RFC 7518.
    public static var all: [JWTSigningAlgorithm] { Backing.allCases.map { Self($0) } }

    /// The supported names, space-separated, for messages: `RS256 RS384 ... EdDSA`.
    public static var supportedNames: String { all.map(\.name).joined(separator: " ") }

    /// The algorithm with this JWS name (case-sensitive, as in RFC 7518), or nil for an
    /// unknown, shared-secret or `none` name.
    public init?(name: String) {
        guard let backing = Backing(rawValue: name) else { return nil }
        self.backing = backing
    }

    /// The JWS name: `RS256`, `EdDSA`, ...
    public var name: String { backing.rawValue }

    public var description: String { name }

    /// The JWK key type (`kty`) of a key that verifies this algorithm: `RSA`, `EC` or `OKP`.
    public var keyType: String {
        switch backing {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: "RSA"
        case .es256, .es384, .es512: "EC"
        case .eddsa: "OKP"
        }
    }

    /// The curve (`crv`) such a key is on; nil for RSA keys.
    public var curve: String? {
        switch backing {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: nil
        case .es256: "P-256"
        case .es384: "P-384"
        case .es512: "P-521"
        case .eddsa: "Ed25519"
        }
    }

    /// True when a JWK of type `keyType` on `curve` can verify this algorithm: RSA keys verify
    /// the RS and PS algorithms, EC keys the ES algorithm of their curve, OKP (Ed25519) keys EdDSA.
    public func fits(keyType: String, curve: String?) -> Bool {
        keyType == self.keyType && (self.curve == nil || curve == self.curve)
    }
}
