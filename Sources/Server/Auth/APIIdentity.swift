import AggregatorCore

/// Who is calling: an API token, a single sign-on subject, or anyone (with `auth: none`).
public struct APIIdentity: Sendable, Hashable {
    /// How the caller was identified.
    public struct Method: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// A configured API token.
        public static let token = Method(rawValue: "token")
        /// A JWT from the configured issuer.
        public static let jwt = Method(rawValue: "jwt")
        /// No authentication (`auth: none`).
        public static let none = Method(rawValue: "none")
    }

    /// The token's name or the JWT's subject; `anonymous` without authentication.
    public var name: String
    public var role: Role
    public var method: Method

    public init(name: String, role: Role, method: Method) {
        self.name = name
        self.role = role
        self.method = method
    }

    /// Any caller when authentication is off: everything is allowed on a loopback listener.
    public static let anonymous = APIIdentity(name: "anonymous", role: .admin, method: .none)

    /// How the audit trail and messages name the caller: `token 'ci'`, `subject 'alice'`.
    var described: String {
        switch method {
        case .token: "token '\(name)'"
        case .jwt: "subject '\(name)'"
        default: "'\(name)'"
        }
    }
}
