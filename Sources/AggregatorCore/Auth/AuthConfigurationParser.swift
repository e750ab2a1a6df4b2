import Foundation

/// Turns the raw `auth:` section into an ``AuthConfiguration``, collecting every semantic
/// problem (bad roles, malformed digests, duplicate names, unreadable JWKS file).
enum AuthConfigurationParser {
    static func parse(_ raw: RawAuth?, root: YAMLNode, baseDirectory: String,
                      resolve: (String) -> String) -> (AuthConfiguration, [ConfigurationError]) {
        guard let raw, !raw.isNone else { return (.none, []) }
        var errors: [ConfigurationError] = []
        func error(_ path: [String], _ message: String, fix: String? = nil) {
            let keys: [any CodingKey] = (["auth"] + path).map { Int($0).map { AnyKey(intValue: $0) } ?? AnyKey($0) }
            errors.append(ConfigurationError(
                location: YAMLDecoder.node(at: keys, in: root).location, keyPath: YAMLDecoder.keyPath(keys),
                message: message, fix: fix))
        }
        func location(_ path: [String]) -> SourceLocation {
            let keys: [any CodingKey] = (["auth"] + path).map { Int($0).map { AnyKey(intValue: $0) } ?? AnyKey($0) }
            return YAMLDecoder.node(at: keys, in: root).location
        }

        if (raw.tokens ?? []).isEmpty && raw.jwt == nil {
            error([], "declares neither tokens nor jwt",
                  fix: "add tokens ('aggregator token new NAME --role R' prints the lines), or write 'auth: none'")
        }

        var tokens: [APIToken] = []
        var names: [String: Int] = [:]
        var digests: [TokenDigest: Int] = [:]
        for (index, entry) in (raw.tokens ?? []).enumerated() {
            let path = ["tokens", "\(index)"]
            if let first = names[entry.name.lowercased()] {
                error(path + ["name"], "duplicate token name '\(entry.name)' (also auth.tokens[\(first)])",
                      fix: "give every token a unique name: it names the caller in the audit trail")
            } else {
                names[entry.name.lowercased()] = index
            }
            if !ConfigurationLoader.isValidName(entry.name) {
                error(path + ["name"], "'\(entry.name)' is not a valid token name",
                      fix: "use letters, digits, '-', '_' and '.', starting with a letter or digit")
            }
            let role = Role(name: entry.role)
            if role == nil {
                error(path + ["role"], "unknown role '\(entry.role)'", fix: "use reader, operator or admin")
            }
            var source: TokenDigestSource?
            switch (entry.sha256, entry.sha256Env, entry.sha256File) {
            case (.some(let hex), nil, nil):
                if let digest = TokenDigest(hex: hex) {
                    source = .value(digest)
                    if let first = digests[digest] {
                        error(path + ["sha256"], "the same digest as auth.tokens[\(first)]",
                              fix: "issue each caller its own token with 'aggregator token new'")
                    } else {
                        digests[digest] = index
                    }
                } else {
                    error(path + ["sha256"], "must be the 64 hex digits of the token's SHA-256",
                          fix: "paste the sha256 line 'aggregator token new' printed; never the token itself")
                }
            case (nil, .some(let name), nil):
                source = .environment(name)
            case (nil, nil, .some(let file)):
                source = .file(resolve(file))
            case (nil, nil, nil):
                error(path, "has no digest", fix: "set sha256 (or sha256_env / sha256_file)")
            default:
                error(path, "sets more than one of sha256, sha256_env and sha256_file", fix: "keep one of them")
            }
            if let role, let source {
                tokens.append(APIToken(name: entry.name, role: role, digestSource: source,
                                       location: location(path)))
            }
        }

        var jwt: JWTSettings?
        if let rawJWT = raw.jwt {
            for (key, value) in [("issuer", rawJWT.issuer), ("audience", rawJWT.audience)] where value.isEmpty {
                error(["jwt", key], "must not be empty")
            }
            let jwksFile = resolve(rawJWT.jwksFile)
            if !FileManager.default.isReadableFile(atPath: jwksFile) {
                error(["jwt", "jwks_file"], "JWKS file '\(rawJWT.jwksFile)' does not exist or is not readable",
                      fix: "save the issuer's keys (its jwks_uri document) to this file")
            }
            var roles: [String: Role] = [:]
            for (value, name) in (rawJWT.roles ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let role = Role(name: name) {
                    roles[value] = role
                } else {
                    error(["jwt", "roles", value], "unknown role '\(name)'", fix: "use reader, operator or admin")
                }
            }
            var settings = JWTSettings(
                issuer: rawJWT.issuer, audience: rawJWT.audience, jwksFile: jwksFile,
                roleClaim: rawJWT.roleClaim ?? "roles", subjectClaim: rawJWT.subjectClaim ?? "sub",
                roles: roles, location: location(["jwt"]))
            if let names = rawJWT.algorithms {
                let (algorithms, problems) = parseAlgorithms(names)
                for (index, message, fix) in problems {
                    error(index.map { ["jwt", "algorithms", "\($0)"] } ?? ["jwt", "algorithms"], message, fix: fix)
                }
                if !algorithms.isEmpty { settings.algorithms = algorithms }
            }
            if let type = rawJWT.requireTyp {
                if type.trimmingCharacters(in: .whitespaces).isEmpty {
                    error(["jwt", "require_typ"], "must not be empty",
                          fix: "write at+jwt (RFC 9068 access tokens), or leave require_typ out")
                } else {
                    settings.requiredType = type
                }
            }
            if let parties = rawJWT.authorizedParties {
                if parties.isEmpty {
                    error(["jwt", "authorized_parties"], "must list at least one client id",
                          fix: "list the client ids whose tokens are accepted (their azp), or leave authorized_parties out")
                }
                for (index, party) in parties.enumerated() where party.isEmpty {
                    error(["jwt", "authorized_parties", "\(index)"], "must not be empty",
                          fix: "write the client id the issuer puts in azp")
                }
                settings.authorizedParties = parties
            }
            if let leeway = rawJWT.leeway { settings.leeway = leeway.duration }
            jwt = settings
        }
        return (AuthConfiguration(tokens: tokens, jwt: jwt, location: location([])), errors)
    }

    /// The algorithms `auth.jwt.algorithms` names, without repeats, and a problem (item index,
    /// message, fix) for each name that is not a supported public-key algorithm.
    static func parseAlgorithms(_ names: [String]) -> ([JWTSigningAlgorithm], [(Int?, String, String)]) {
        let supported = JWTSigningAlgorithm.supportedNames
        guard !names.isEmpty else {
            return ([], [(nil, "must list at least one algorithm",
                          "list the algorithms the issuer signs with (\(supported)), or leave algorithms out for RS256")])
        }
        var algorithms: [JWTSigningAlgorithm] = []
        var problems: [(Int?, String, String)] = []
        for (index, name) in names.enumerated() {
            if let algorithm = JWTSigningAlgorithm(name: name) {
                if !algorithms.contains(algorithm) { algorithms.append(algorithm) }
                continue
            }
            let upper = name.uppercased()
            if let algorithm = JWTSigningAlgorithm.all.first(where: { $0.name.uppercased() == upper }) {
                problems.append((index, "unknown signature algorithm '\(name)'",
                                 "write \(algorithm.name): algorithm names are case-sensitive"))
            } else if upper.hasPrefix("HS") {
                problems.append((index, "'\(name)' is a shared-secret (HMAC) algorithm, never accepted: "
                                    + "the JWKS file holds public keys, and anyone who could read a shared secret could sign tokens",
                                 "use one of \(supported)"))
            } else if upper == "NONE" {
                problems.append((index, "'none' would accept unsigned tokens, never accepted", "use one of \(supported)"))
            } else {
                problems.append((index, "unknown signature algorithm '\(name)'", "use one of \(supported)"))
            }
        }
        return (algorithms, problems)
    }
}

// MARK: - The raw shape of `auth:`

/// `auth: none`, or a mapping with `tokens:` and/or `jwt:`.
struct RawAuth: Decodable {
    var isNone = false
    var tokens: [RawToken]?
    var jwt: RawJWT?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tokens, jwt
    }

    init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard text.lowercased() == "none" else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "must be 'none' or a mapping with tokens: and/or jwt:, found '\(text)'"))
            }
            isNone = true
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tokens = try container.decodeIfPresent([RawToken].self, forKey: .tokens)
        jwt = try container.decodeIfPresent(RawJWT.self, forKey: .jwt)
    }
}

struct RawToken: Decodable {
    var name: String
    var role: String
    var sha256: String?
    var sha256Env: String?
    var sha256File: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, role, sha256, token
        case sha256Env = "sha256_env"
        case sha256File = "sha256_file"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.token) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [CodingKeys.token],
                debugDescription: "tokens are never written in the configuration file; "
                    + "write the sha256 line that 'aggregator token new' printed"))
        }
        name = try container.decode(String.self, forKey: .name)
        role = try container.decode(String.self, forKey: .role)
        sha256 = try container.decodeIfPresent(String.self, forKey: .sha256)
        sha256Env = try container.decodeIfPresent(String.self, forKey: .sha256Env)
        sha256File = try container.decodeIfPresent(String.self, forKey: .sha256File)
    }
}

struct RawJWT: Decodable {
    var issuer: String
    var audience: String
    var jwksFile: String
    var roleClaim: String?
    var subjectClaim: String?
    var roles: [String: String]?
    var leeway: ConfigDuration?
    var algorithms: [String]?
    var requireTyp: String?
    var authorizedParties: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case issuer, audience, roles, leeway, algorithms
        case jwksFile = "jwks_file"
        case requireTyp = "require_typ"
        case authorizedParties = "authorized_parties"
        case roleClaim = "role_claim"
        case subjectClaim = "subject_claim"
    }
}
