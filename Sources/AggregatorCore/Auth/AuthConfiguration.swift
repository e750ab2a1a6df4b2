import Foundation

/// Who may call the API: `auth:` in the configuration.
///
/// `auth: none` (or no `auth:` at all) serves every request without credentials; the server
/// then listens on a loopback address only, unless told `--insecure-no-auth`. Otherwise every
/// request but `/health` and `/ready` needs `Authorization: Bearer …` with one of ``tokens``
/// or, when ``jwt`` is set, a JWT from the single sign-on issuer.
public struct AuthConfiguration: Sendable, Hashable {
    /// API tokens, by digest.
    public var tokens: [APIToken]
    /// Single sign-on tokens, when configured.
    public var jwt: JWTSettings?
    /// Where `auth:` is in the configuration file.
    public var location: SourceLocation?

    public init(tokens: [APIToken] = [], jwt: JWTSettings? = nil, location: SourceLocation? = nil) {
        self.tokens = tokens
        self.jwt = jwt
        self.location = location
    }

    /// No authentication: the demo's setting, for a loopback listener.
    public static let none = AuthConfiguration()

    /// True when requests need a bearer token.
    public var requiresAuthentication: Bool { !tokens.isEmpty || jwt != nil }

    /// Resolves `sha256_env` and `sha256_file` digests.
    ///
    /// - Parameter environment: The process environment (injected for tests).
    /// - Returns: The configuration with every digest known, and a problem per token whose
    ///   digest could not be read (the token is then left out, never accepted).
    public func resolvingDigests(environment: [String: String], file: String?)
        -> (AuthConfiguration, [ConfigurationError])
    {
        var copy = self
        var errors: [ConfigurationError] = []
        for index in copy.tokens.indices {
            let token = copy.tokens[index]
            func fail(_ message: String, _ fix: String) {
                let keyPath = "auth.tokens[\(index)]"
                if let location = token.location {
                    errors.append(ConfigurationError(location: location, keyPath: keyPath, message: message, fix: fix))
                } else {
                    errors.append(ConfigurationError(file: file, keyPath: keyPath, message: message, fix: fix))
                }
            }
            let text: String
            switch token.digestSource {
            case .value:
                continue
            case .environment(let name):
                guard let value = environment[name], !value.isEmpty else {
                    fail("environment variable \(name) for token '\(token.name)' is not set",
                         "export \(name)=<sha256 printed by 'aggregator token new'> before starting")
                    continue
                }
                text = value
            case .file(let path):
                guard let value = try? String(contentsOfFile: path, encoding: .utf8) else {
                    fail("cannot read the digest file \(path) for token '\(token.name)'",
                         "check that the file exists and is readable by this user")
                    continue
                }
                text = value
            }
            guard let digest = TokenDigest(hex: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                fail("the \(token.digestSource) for token '\(token.name)' does not hold a SHA-256 digest",
                     "it must hold the 64 hex digits 'aggregator token new' printed, not the token itself")
                continue
            }
            copy.tokens[index].digest = digest
        }
        return (copy, errors)
    }
}
