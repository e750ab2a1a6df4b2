/// The file's `database:` section.
struct RawDatabase: Decodable {
    var url: String?
    var passwordEnv: String?
    var passwordFile: String?
    var tls: String?
    var caFile: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, tls
        case passwordEnv = "password_env"
        case passwordFile = "password_file"
        case caFile = "ca_file"
    }
}

/// The file's `jobs:` section.
struct RawJobs: Decodable {
    var lease: ConfigDuration?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case lease
    }
}

extension ConfigurationLoader {
    /// Reads `database:`, `jobs:` and `server.replica_name` into ``DatabaseSettings``.
    func parseDatabase(_ raw: RawDatabase?, jobs: RawJobs?, replicaName: String?, root: YAMLNode,
                       resolvePath: (String) -> String, baseDirectory: String)
        -> (DatabaseSettings, [ConfigurationError])
    {
        var settings = DatabaseSettings()
        var errors: [ConfigurationError] = []
        func fail(_ path: [String], _ message: String, fix: String) {
            let keys: [any CodingKey] = path.map { AnyKey($0) }
            errors.append(ConfigurationError(location: YAMLDecoder.node(at: keys, in: root).location,
                                             keyPath: YAMLDecoder.keyPath(keys), message: message, fix: fix))
        }
        if let raw {
            if let url = raw.url {
                do {
                    settings.url = try DatabaseURL.parse(url, baseDirectory: baseDirectory)
                } catch {
                    fail(["database", "url"], error.message, fix: "write it as \(DatabaseURL.ParseError.forms)")
                }
            }
            switch (raw.passwordEnv, raw.passwordFile) {
            case (.some, .some):
                fail(["database"], "sets both password_env and password_file", fix: "keep one of them")
            case (.some(let name), nil):
                settings.passwordSource = .environment(name)
            case (nil, .some(let path)):
                settings.passwordSource = .file(resolvePath(path))
            case (nil, nil):
                break
            }
            if let tls = raw.tls {
                if let mode = DatabaseSettings.TLSMode(rawValue: tls) {
                    settings.tls = mode
                } else {
                    fail(["database", "tls"], "must be disable, prefer or require, found '\(tls)'",
                         fix: "use require for a database across a network, disable only on loopback")
                }
            }
            settings.caFile = raw.caFile.map(resolvePath)
            if case .sqlite = settings.url, raw.passwordEnv != nil || raw.passwordFile != nil || raw.tls != nil {
                fail(["database"], "sets a password or tls for an SQLite file, which has neither",
                     fix: "remove them, or point url at PostgreSQL")
            }
        }
        if let lease = jobs?.lease?.duration {
            if lease < .seconds(1) || lease > .seconds(3600) {
                fail(["jobs", "lease"], "must be between 1s and 1h, found \(lease)",
                     fix: "use 30s (the default): a dead replica's jobs are resumed after at most this long")
            } else {
                settings.lease = lease
            }
        }
        if let name = replicaName {
            let allowed = !name.isEmpty && name.count <= 64 && name.unicodeScalars.allSatisfy {
                ($0.properties.isAlphabetic && $0.isASCII) || ("0" ... "9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
            }
            if allowed {
                settings.replicaName = name
            } else {
                fail(["server", "replica_name"], "must be 1–64 letters, digits, '.', '_' or '-', found '\(name)'",
                     fix: "name each replica after its host, such as vmagg-1")
            }
        }
        return (settings, errors)
    }
}
