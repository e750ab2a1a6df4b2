/// An API token declared under `auth.tokens` in the configuration: a name, a role and the
/// token's SHA-256 digest (never the token itself).
///
/// ```yaml
/// auth:
///   tokens:
///     - name: ci-pipeline
///       role: operator
///       sha256: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
/// ```
public struct APIToken: Sendable, Hashable {
    /// Shown in the audit trail as who made a request.
    public var name: String
    public var role: Role
    /// Where the digest comes from.
    public var digestSource: TokenDigestSource
    /// The digest: known at load for `sha256:`, once resolved for `sha256_env`/`sha256_file`.
    public var digest: TokenDigest?
    /// Where the entry starts in the configuration file.
    public var location: SourceLocation?

    public init(name: String, role: Role, digestSource: TokenDigestSource, location: SourceLocation? = nil) {
        self.name = name
        self.role = role
        self.digestSource = digestSource
        if case .value(let digest) = digestSource { self.digest = digest }
        self.location = location
    }

    /// True for a usable token name: letters, digits, `-`, `_` and `.`, starting with a letter
    /// or digit (the rule for engine names).
    public static func isValidName(_ name: String) -> Bool {
        ConfigurationLoader.isValidName(name)
    }

    /// A token whose digest is known (tests, programmatic setups).
    public init(name: String, role: Role, digest: TokenDigest) {
        self.init(name: name, role: role, digestSource: .value(digest))
    }
}

/// Where a token's digest comes from: the file itself, or like engine passwords an environment
/// variable or a file.
public enum TokenDigestSource: Sendable, Hashable, CustomStringConvertible {
    /// `sha256:` in the configuration.
    case value(TokenDigest)
    /// `sha256_env:` names an environment variable holding the 64 hex digits.
    case environment(String)
    /// `sha256_file:` names a file holding the 64 hex digits.
    case file(String)

    public var description: String {
        switch self {
        case .value: "sha256"
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "file \(path)"
        }
    }
}

/// Finds which configured token a presented bearer token is.
///
/// The presented token is hashed once and compared with every configured digest in constant
/// time, without stopping at a match, so timing tells nothing about the digests.
public struct TokenRegistry: Sendable {
    /// Tokens whose digest is known; unresolved ones are left out.
    public let tokens: [APIToken]

    public init(_ tokens: [APIToken]) {
        self.tokens = tokens.filter { $0.digest != nil }
    }

    public var isEmpty: Bool { tokens.isEmpty }

    /// The token `presented` is, or nil when it is none of them.
    public func match(_ presented: String) -> APIToken? {
        // Far longer than any token we issue: not worth hashing.
        guard !presented.isEmpty, presented.utf8.count <= 1024 else { return nil }
        let digest = TokenDigest.of(token: presented)
        var found: APIToken?
        for token in tokens {
            if let candidate = token.digest, candidate.constantTimeEquals(digest), found == nil {
                found = token
            }
        }
        return found
    }
}
