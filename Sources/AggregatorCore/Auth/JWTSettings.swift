/// Single sign-on bearer tokens (OIDC access tokens, JWTs) accepted besides the configured API
/// tokens: `auth.jwt` in the configuration.
///
/// ```yaml
/// auth:
///   jwt:
///     issuer: https://sso.bank.example/realms/infra
///     audience: vmaggregator
///     jwks_file: sso-jwks.json        # the issuer's signing keys (JWKS), refreshed by hand
///     algorithms: [RS256]             # default: [RS256]; the header alg tokens may name
///     require_typ: at+jwt             # optional: the header typ access tokens carry (RFC 9068)
///     authorized_parties: [vm-portal] # optional: the client ids azp may name
///     role_claim: realm_access.roles  # default: roles; a string or a list of strings
///     roles:                          # claim value → role; default: the role names themselves
///       vm-readers: reader
///       vm-operators: operator
///       vm-admins: admin
/// ```
///
/// A token is accepted when all of these hold, checked in this order:
/// - its header is a JSON object whose `alg` is one of ``algorithms`` and that names no
///   critical extension (`crit`); with ``requiredType`` set, its `typ` names that type;
/// - its `kid` names a key of the JWKS file, whose algorithm is the header's `alg`. A token
///   without `kid` is accepted only when the file holds exactly one key. A `kid` that names no
///   key is refused: it never falls back to another key;
/// - its signature verifies with that key;
/// - `exp` is in the future (and `nbf` past), each with ``leeway``; `iss` is a JSON string
///   equal to ``issuer`` (a list is refused); `aud` is or contains ``audience``; with
///   ``authorizedParties`` set, `azp` is one of them.
///
/// The caller's role is the highest one its role claim maps to.
///
/// Each key of the JWKS file verifies exactly one algorithm, fixed when the file is loaded, never
/// taken from a token: a key's own `alg` when it is one of ``algorithms`` (a key whose `alg` is
/// not, or whose `use` is not `sig`, is left out), otherwise the one configured algorithm that
/// fits its key type (RSA keys: RS*/PS*; EC keys: the ES* of their curve; OKP keys: EdDSA).
/// When no configured algorithm or several fit a key without `alg`, loading fails: set
/// ``algorithms`` to one algorithm for that key type, or add `alg` to the key.
///
/// ID tokens are JWTs from the same issuer, often with the same audience: ``requiredType``
/// (`at+jwt`, for issuers that follow RFC 9068) or ``authorizedParties`` tell access tokens
/// apart from them.
public struct JWTSettings: Sendable, Hashable {
    /// The `iss` every token must carry, as a JSON string.
    public var issuer: String
    /// A value `aud` must contain.
    public var audience: String
    /// The JSON Web Key Set file with the issuer's public keys.
    public var jwksFile: String
    /// Claim holding the caller's groups or roles; dots reach into objects
    /// (`realm_access.roles`). Defaults to `roles`.
    public var roleClaim: String = "roles"
    /// Claim naming the caller in the audit trail. Defaults to `sub`.
    public var subjectClaim: String = "sub"
    /// Claim values to roles. Empty: the claim's values are role names (`reader`, ...).
    public var roles: [String: Role] = [:]
    /// Clock skew tolerated on `exp` and `nbf`. Defaults to 60 seconds.
    public var leeway: Duration = .seconds(60)
    /// The signature algorithms a token's header `alg` may name (`auth.jwt.algorithms`); they
    /// also give keys of the JWKS file without `alg` their algorithm. Defaults to `[RS256]`.
    public var algorithms: [JWTSigningAlgorithm] = [.rs256]
    /// The header `typ` every token must carry (`auth.jwt.require_typ`, e.g. `at+jwt`), compared
    /// case-insensitively with the `application/` prefix optional. Defaults to nil: not checked.
    public var requiredType: String?
    /// The client ids the `azp` claim may name (`auth.jwt.authorized_parties`); a token without
    /// `azp` is then refused. Defaults to nil: not checked.
    public var authorizedParties: [String]?
    /// Where `jwt:` starts in the configuration file.
    public var location: SourceLocation?

    public init(issuer: String, audience: String, jwksFile: String, roleClaim: String = "roles",
                subjectClaim: String = "sub", roles: [String: Role] = [:],
                algorithms: [JWTSigningAlgorithm] = [.rs256], requiredType: String? = nil,
                authorizedParties: [String]? = nil, location: SourceLocation? = nil) {
        self.issuer = issuer
        self.audience = audience
        self.jwksFile = jwksFile
        self.roleClaim = roleClaim
        self.subjectClaim = subjectClaim
        self.roles = roles
        self.algorithms = algorithms
        self.requiredType = requiredType
        self.authorizedParties = authorizedParties
        self.location = location
    }

    /// The highest role the claim's values grant, or nil when they grant none.
    public func role(forClaimValues values: [String]) -> Role? {
        let granted = values.compactMap { value in roles.isEmpty ? Role(name: value) : roles[value] }
        return granted.max()
    }

    /// True when a token's header `typ` satisfies ``requiredType``: always when none is
    /// required; otherwise the same media type, ignoring case and an `application/` prefix
    /// (RFC 7515, section 4.1.9), so `at+jwt` accepts `AT+JWT` and `application/at+jwt`.
    public func acceptsType(_ type: String?) -> Bool {
        guard let requiredType else { return true }
        guard let type else { return false }
        return Self.mediaType(type) == Self.mediaType(requiredType)
    }

    private static func mediaType(_ text: String) -> String {
        let lowered = text.lowercased()
        return lowered.hasPrefix("application/") ? String(lowered.dropFirst("application/".count)) : lowered
    }
}
