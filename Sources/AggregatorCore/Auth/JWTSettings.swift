/// Single sign-on bearer tokens (OIDC access tokens, JWTs) accepted besides the configured API
/// tokens: `auth.jwt` in the configuration.
///
/// ```yaml
/// auth:
///   jwt:
///     issuer: https://sso.bank.example/realms/infra
///     audience: vmaggregator
///     jwks_file: sso-jwks.json        # the issuer's signing keys (JWKS), refreshed by hand
///     role_claim: realm_access.roles  # default: roles; a string or a list of strings
///     roles:                          # claim value → role; default: the role names themselves
///       vm-readers: reader
///       vm-operators: operator
///       vm-admins: admin
/// ```
///
/// A token is accepted when its signature verifies against a key of the JWKS file, `iss` is
/// ``issuer``, `aud` contains ``audience``, `exp` is in the future (and `nbf` past), each with
/// ``leeway``. The caller's role is the highest one its role claim maps to.
public struct JWTSettings: Sendable, Hashable {
    /// The `iss` every token must carry.
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
    /// Where `jwt:` starts in the configuration file.
    public var location: SourceLocation?

    public init(issuer: String, audience: String, jwksFile: String, roleClaim: String = "roles",
                subjectClaim: String = "sub", roles: [String: Role] = [:], location: SourceLocation? = nil) {
        self.issuer = issuer
        self.audience = audience
        self.jwksFile = jwksFile
        self.roleClaim = roleClaim
        self.subjectClaim = subjectClaim
        self.roles = roles
        self.location = location
    }

    /// The highest role the claim's values grant, or nil when they grant none.
    public func role(forClaimValues values: [String]) -> Role? {
        let granted = values.compactMap { value in roles.isEmpty ? Role(name: value) : roles[value] }
        return granted.max()
    }
}
