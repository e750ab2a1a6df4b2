import AggregatorCore

/// Everything the API's access checks need: the configured tokens, the single sign-on
/// verifier, where the audit trail goes, and whether the listener is loopback-only.
///
/// ```swift
/// let access = AccessControl(auth: configuration.auth, jwt: verifier, audit: store)
/// let router = AggregatorServer.buildRouter(inventory: inventory, jobs: runner, access: access)
/// ```
public struct AccessControl: Sendable {
    /// API tokens by digest.
    public var tokens: TokenRegistry
    /// Single sign-on tokens, when configured.
    public var jwt: JWTBearerVerifier?
    /// Where creates, dry runs and denials are recorded. Defaults to the job store when it
    /// keeps an audit trail.
    public var audit: (any AuditLog)?
    /// The names clients may address the server by. Checked while authentication is off
    /// (always, under `--insecure-no-auth` too), and also with it on when `server.allowed_hosts`
    /// is configured (``enforceAllowedHosts``). Defaults to the loopback names.
    public var allowedHosts: HostAllowList
    /// Check ``allowedHosts`` even with authentication on (it was configured explicitly).
    public var enforceAllowedHosts: Bool
    /// Reverse proxies whose forwarding headers name the client (`server.trusted_proxies`).
    public var trustedProxies: [IPAddressRange]

    public init(tokens: TokenRegistry = TokenRegistry([]), jwt: JWTBearerVerifier? = nil,
                audit: (any AuditLog)? = nil, allowedHosts: HostAllowList = .loopback,
                enforceAllowedHosts: Bool = false, trustedProxies: [IPAddressRange] = []) {
        self.tokens = tokens
        self.jwt = jwt
        self.audit = audit
        self.allowedHosts = allowedHosts
        self.enforceAllowedHosts = enforceAllowedHosts
        self.trustedProxies = trustedProxies
    }

    /// The configured tokens of `auth`, with `jwt` built from its `jwt` settings.
    public init(auth: AuthConfiguration, jwt: JWTBearerVerifier? = nil, audit: (any AuditLog)? = nil,
                allowedHosts: HostAllowList = .loopback, enforceAllowedHosts: Bool = false,
                trustedProxies: [IPAddressRange] = []) {
        self.init(tokens: TokenRegistry(auth.tokens), jwt: jwt, audit: audit, allowedHosts: allowedHosts,
                  enforceAllowedHosts: enforceAllowedHosts, trustedProxies: trustedProxies)
    }

    /// No authentication (`auth: none`): for a loopback listener, and the demo.
    public static func open(audit: (any AuditLog)? = nil) -> AccessControl {
        AccessControl(audit: audit)
    }

    /// True when requests need a bearer token.
    public var requiresAuthentication: Bool { !tokens.isEmpty || jwt != nil }

    /// The caller a bearer token identifies.
    /// - Throws: ``AccessDenied`` when it identifies no one.
    func identify(bearer token: String) async throws -> APIIdentity {
        if let jwt, JWTBearerVerifier.looksLikeJWT(token) {
            return try await jwt.identify(token)
        }
        guard let match = tokens.match(token) else {
            throw AccessDenied.invalidToken("it is not a configured token")
        }
        return APIIdentity(name: match.name, role: match.role, method: .token)
    }
}

/// Whether a listen address only accepts connections from this machine.
public enum LoopbackAddress {
    /// True for `localhost`, `127.0.0.0/8` and `::1` (with or without brackets).
    public static func contains(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }
}
