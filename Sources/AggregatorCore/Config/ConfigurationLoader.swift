import Foundation

/// Reads and validates the YAML configuration file.
///
/// Structural errors (YAML syntax, wrong types, unknown keys) stop at the first one with its
/// line and column; semantic errors (duplicate names, bad URLs, unknown kinds) are collected
/// and reported together.
public struct ConfigurationLoader: Sendable {
    /// Backend kinds the file may use under `type:`.
    public var knownKinds: [BackendKind]
    /// The user of an entry that names none, by kind (see ``BackendRegistry/defaultUsernames``).
    public var defaultUsernames: [BackendKind: String]

    public init(knownKinds: [BackendKind], defaultUsernames: [BackendKind: String] = [:]) {
        self.knownKinds = knownKinds
        self.defaultUsernames = defaultUsernames
    }

    /// Loads the file at `path`. Relative paths in it are resolved against the file's directory.
    public func load(path: String) throws -> AggregatorConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                file: path, message: "cannot read the configuration file",
                fix: "check the path, or pass another with --config")
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(text, file: path, baseDirectory: directory.isEmpty ? "." : directory)
    }

    /// Parses configuration text. `file` names it in errors; relative paths resolve against `baseDirectory`.
    public func parse(_ text: String, file: String, baseDirectory: String = ".") throws -> AggregatorConfiguration {
        guard let root = try YAMLParser.parse(text, file: file) else {
            throw ConfigurationError(file: file, message: "the file is empty", fix: "declare at least one engine under 'backends:'")
        }
        let raw = try YAMLDecoder().decode(RawFile.self, from: root)
        var errors: [ConfigurationError] = []
        var warnings: [ConfigurationError] = []

        var server = AggregatorConfiguration.ServerSettings()
        if let rawServer = raw.server {
            if let host = rawServer.host { server.host = host }
            if let port = rawServer.port {
                if (1...65535).contains(port) {
                    server.port = port
                } else {
                    errors.append(error(root, ["server", "port"], "must be between 1 and 65535, found \(port)"))
                }
            }
            if let jobs = rawServer.jobsPerEngine {
                if (1...64).contains(jobs) {
                    server.jobsPerEngine = jobs
                } else {
                    errors.append(error(root, ["server", "jobs_per_engine"], "must be between 1 and 64, found \(jobs)"))
                }
            }
            if rawServer.cacheTTL != nil {
                warnings.append(error(
                    root, ["server", "cache_ttl"],
                    "is no longer used: every listing and `aggregator export` answer from the live model, "
                        + "which follows each engine (see refresh settings)",
                    fix: "remove the line"))
            }
            if let limit = rawServer.maxUploadBytes {
                if limit > 0 {
                    server.maxUploadBytes = limit
                } else {
                    errors.append(error(root, ["server", "max_upload_bytes"], "must be a positive number of bytes"))
                }
            }
            errors += parseListenerLimits(rawServer, into: &server, root: root)
            errors += parseClientAddressing(rawServer, into: &server, root: root)
        }

        let (auth, authErrors) = AuthConfigurationParser.parse(raw.auth, root: root, baseDirectory: baseDirectory) {
            resolve($0, against: baseDirectory)
        }
        errors += authErrors

        let defaults = raw.defaults ?? RawDefaults()
        if defaults.passwordEnv != nil, defaults.passwordFile != nil {
            errors.append(error(root, ["defaults"], "sets both password_env and password_file",
                                fix: "keep one of them"))
        }

        guard let rawBackends = raw.backends, !rawBackends.isEmpty else {
            errors.append(ConfigurationError(
                location: root.location, keyPath: "backends", message: "no engines are declared",
                fix: "add a 'backends:' list with at least one engine"))
            throw ConfigurationErrors(errors)
        }

        var backends: [BackendConfiguration] = []
        var seen: [String: Int] = [:]
        for (index, entry) in rawBackends.enumerated() {
            let path: [String] = ["backends", "\(index)"]
            let entryNode = node(root, path)

            if let first = seen[entry.name.lowercased()] {
                errors.append(error(root, path + ["name"], "duplicate engine name '\(entry.name)' (also backends[\(first)])",
                                    fix: "give every engine a unique name"))
            } else {
                seen[entry.name.lowercased()] = index
            }
            if !Self.isValidName(entry.name) {
                errors.append(error(root, path + ["name"],
                                    "'\(entry.name)' is not a valid engine name",
                                    fix: "use letters, digits, '-', '_' and '.', starting with a letter or digit"))
            }

            let kind = BackendKind(rawValue: entry.type)
            if !knownKinds.contains(kind) {
                let known = knownKinds.map(\.rawValue).sorted().joined(separator: ", ")
                errors.append(error(root, path + ["type"], "unknown backend type '\(entry.type)'",
                                    fix: "use one of: \(known)"))
            }

            if let problem = Self.urlProblem(entry.url) {
                errors.append(error(root, path + ["url"], problem,
                                    fix: "write the engine's API URL, e.g. https://engine.example.com/ovirt-engine/api"))
            }

            var source: SecretSource?
            switch (entry.passwordEnv, entry.passwordFile) {
            case (.some, .some):
                errors.append(error(root, path, "sets both password_env and password_file", fix: "keep one of them"))
            case (.some(let name), nil):
                source = .environment(name)
            case (nil, .some(let file)):
                source = .file(resolve(file, against: baseDirectory))
            case (nil, nil):
                if let name = defaults.passwordEnv {
                    source = .environment(name)
                } else if let file = defaults.passwordFile {
                    source = .file(resolve(file, against: baseDirectory))
                }
            }

            var caFile: String?
            if let rawCA = entry.caFile ?? nil {
                let resolved = resolve(rawCA, against: baseDirectory)
                if FileManager.default.isReadableFile(atPath: resolved) {
                    caFile = resolved
                } else {
                    errors.append(error(root, path + ["ca_file"], "CA file '\(rawCA)' does not exist or is not readable",
                                        fix: "run 'aggregator trust \(entry.name)' to fetch the engine's CA, or fix the path"))
                }
            }
            let insecure = entry.insecure ?? defaults.insecure ?? false

            let connectTimeout = entry.connectTimeout?.duration ?? defaults.connectTimeout?.duration ?? .seconds(10)
            let requestTimeout = entry.requestTimeout?.duration ?? defaults.requestTimeout?.duration ?? .seconds(60)
            var refresh = RefreshSettings()
            refresh.fullRefresh = entry.fullRefresh?.duration ?? defaults.fullRefresh?.duration ?? refresh.fullRefresh
            if let explicit = entry.fullRefresh?.duration ?? defaults.fullRefresh?.duration {
                refresh.fullRefreshWithoutChangeFeed = explicit
            }
            refresh.eventsPoll = entry.eventsPoll?.duration ?? defaults.eventsPoll?.duration ?? refresh.eventsPoll
            refresh.probeCache = entry.probeCache?.duration ?? defaults.probeCache?.duration ?? refresh.probeCache
            refresh.refreshMinInterval = entry.refreshMinInterval?.duration ?? defaults.refreshMinInterval?.duration
                ?? refresh.refreshMinInterval
            refresh.consistencyProbe = entry.consistencyProbe?.duration ?? defaults.consistencyProbe?.duration
                ?? refresh.consistencyProbe
            refresh.guestAddressSweep = entry.guestIPSweep?.duration ?? defaults.guestIPSweep?.duration
                ?? refresh.guestAddressSweep
            if let rereads = entry.guestIPRereads ?? defaults.guestIPRereads {
                refresh.guestAddressRereads = rereads.map(\.duration)
            }
            for (key, value, range) in [("consistency_probe", refresh.consistencyProbe, Duration.seconds(1)...Duration.seconds(86400)),
                                        ("guest_ip_sweep", refresh.guestAddressSweep, Duration.seconds(1)...Duration.seconds(86400))]
            where value != .zero && !range.contains(value) {
                let explicit = key == "consistency_probe" ? entry.consistencyProbe != nil : entry.guestIPSweep != nil
                errors.append(error(root, explicit ? path + [key] : ["defaults", key],
                                    "must be between 1s and 24h, or 0 to turn it off, found \(value)",
                                    fix: key == "consistency_probe" ? "use 60s (the default)" : "use 5m (the default)"))
            }
            if refresh.guestAddressRereads.count > 10
                || refresh.guestAddressRereads.contains(where: { $0 < .milliseconds(100) || $0 > .seconds(86400) })
                || refresh.guestAddressRereads != refresh.guestAddressRereads.sorted()
            {
                let key = entry.guestIPRereads != nil ? path + ["guest_ip_rereads"] : ["defaults", "guest_ip_rereads"]
                errors.append(error(root, key, "must be at most 10 rising durations between 100ms and 24h",
                                    fix: "use [10s, 30s, 2m] (the default), or [] to turn the re-reads off"))
            }
            if refresh.probeCache > .seconds(3600) {
                let key = entry.probeCache != nil ? path + ["probe_cache"] : ["defaults", "probe_cache"]
                errors.append(error(root, key, "must be at most 1h, found \(refresh.probeCache)",
                                    fix: "use 5s (the default); 0 asks the engine on every GET /api/v1/backends"))
            }
            if refresh.refreshMinInterval > .seconds(3600) {
                let key = entry.refreshMinInterval != nil ? path + ["refresh_min_interval"] : ["defaults", "refresh_min_interval"]
                errors.append(error(root, key, "must be at most 1h, found \(refresh.refreshMinInterval)",
                                    fix: "use 10s (the default)"))
            }
            if refresh.fullRefresh < .seconds(10) {
                let key = entry.fullRefresh != nil ? path + ["full_refresh"] : ["defaults", "full_refresh"]
                errors.append(error(root, key, "must be at least 10s, found \(refresh.fullRefresh)",
                                    fix: "full reads are heavy on an engine; use 15m (the default) or more"))
            }
            if refresh.eventsPoll < .milliseconds(100) || refresh.eventsPoll > .seconds(3600) {
                let key = entry.eventsPoll != nil ? path + ["events_poll"] : ["defaults", "events_poll"]
                errors.append(error(root, key, "must be between 100ms and 1h, found \(refresh.eventsPoll)",
                                    fix: "use 1s (the default)"))
            }

            let maxResponseBytes = entry.maxResponseBytes ?? defaults.maxResponseBytes
                ?? BackendConfiguration.defaultMaxResponseBytes
            if maxResponseBytes < 1 << 16 {
                let key = entry.maxResponseBytes != nil ? path + ["max_response_bytes"] : ["defaults", "max_response_bytes"]
                errors.append(error(root, key, "must be at least 65536 bytes, found \(maxResponseBytes)",
                                    fix: "use 268435456 (256 MiB, the default): a 5,000-VM listing page is about 50 MB"))
            }

            var backend = BackendConfiguration(
                name: entry.name, kind: kind, url: entry.url,
                username: entry.username ?? defaults.username ?? defaultUsernames[kind],
                passwordSource: source, caFile: caFile, insecure: insecure,
                connectTimeout: connectTimeout, requestTimeout: requestTimeout,
                tags: entry.tags ?? [], options: entryNode["options"], location: entryNode.location,
                refresh: refresh)
            backend.maxResponseBytes = maxResponseBytes
            backends.append(backend)
        }

        let (database, databaseErrors) = parseDatabase(
            raw.database, jobs: raw.jobs, replicaName: raw.server?.replicaName, root: root,
            resolvePath: { resolve($0, against: baseDirectory) }, baseDirectory: baseDirectory)
        errors += databaseErrors
        let (operations, operationErrors) = parseOperations(raw.operations, root: root)
        errors += operationErrors

        if !errors.isEmpty { throw ConfigurationErrors(errors) }

        let dataDirectory = resolve(raw.dataDir ?? "data", against: baseDirectory)
        var configuration = AggregatorConfiguration(file: file, server: server, dataDirectory: dataDirectory,
                                                    backends: backends)
        configuration.auth = auth
        configuration.database = database
        configuration.operations = operations
        configuration.warnings = warnings
        return configuration
    }

    /// `max_connections`, `idle_timeout`, `header_timeout`, `request_timeout`, `lingering_time` and
    /// `lingering_bytes` under `server:`.
    private func parseListenerLimits(_ raw: RawServer, into server: inout AggregatorConfiguration.ServerSettings,
                                     root: YAMLNode) -> [ConfigurationError] {
        var errors: [ConfigurationError] = []
        if let count = raw.maxConnections {
            if (16...1_000_000).contains(count) {
                server.maxConnections = count
            } else {
                errors.append(error(root, ["server", "max_connections"], "must be between 16 and 1000000, found \(count)",
                                    fix: "use 4096 (the default); it is lowered at start to fit the open-file limit"))
            }
        }
        func timeout(_ value: ConfigDuration?, _ key: String, _ apply: (Duration) -> Void) {
            guard let duration = value?.duration else { return }
            if duration >= .seconds(1) && duration <= .seconds(3600) {
                apply(duration)
            } else {
                errors.append(error(root, ["server", key], "must be between 1s and 1h, found \(duration)"))
            }
        }
        timeout(raw.idleTimeout, "idle_timeout") { server.idleTimeout = $0 }
        timeout(raw.headerTimeout, "header_timeout") { server.headerTimeout = $0 }
        timeout(raw.requestTimeout, "request_timeout") { server.requestTimeout = $0 }
        timeout(raw.lingeringTime, "lingering_time") { server.lingeringTime = $0 }
        if let bytes = raw.lingeringBytes {
            if bytes > 0 {
                server.lingeringBytes = bytes
            } else {
                errors.append(error(root, ["server", "lingering_bytes"], "must be a positive number of bytes",
                                    fix: "use 67108864 (64 MiB, the default)"))
            }
        }
        if server.headerTimeout > server.requestTimeout {
            errors.append(error(root, ["server", "header_timeout"],
                                "must not be longer than server.request_timeout (\(server.requestTimeout))",
                                fix: "the headers are part of the request; shorten header_timeout"))
        }
        return errors
    }

    /// `trusted_proxies` and `allowed_hosts` under `server:`.
    private func parseClientAddressing(_ raw: RawServer, into server: inout AggregatorConfiguration.ServerSettings,
                                       root: YAMLNode) -> [ConfigurationError] {
        var errors: [ConfigurationError] = []
        for (index, text) in (raw.trustedProxies ?? []).enumerated() {
            if let range = IPAddressRange(text.trimmingCharacters(in: .whitespaces)) {
                server.trustedProxies.append(range)
            } else {
                errors.append(error(root, ["server", "trusted_proxies", "\(index)"],
                                    "must be an IP address or a CIDR block, found '\(text)'",
                                    fix: "name the proxy's own address as this server sees it, such as 10.0.0.5 or 10.0.0.0/24"))
            }
        }
        if let hosts = raw.allowedHosts {
            var names: [String] = []
            for (index, name) in hosts.enumerated() {
                let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
                if trimmed.isEmpty || trimmed.contains("/") || trimmed.contains(" ") {
                    errors.append(error(root, ["server", "allowed_hosts", "\(index)"],
                                        "must be a host name or address, found '\(name)'",
                                        fix: "list the names clients use in their URLs, such as vma.example.org"))
                } else {
                    names.append(trimmed)
                }
            }
            server.allowedHosts = names.isEmpty ? nil : names
        }
        return errors
    }

    /// Engine names go into URLs and file names: keep them simple.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !name.isEmpty, name.count <= 64 else { return false }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        return CharacterSet.alphanumerics.contains(first)
            && name.unicodeScalars.allSatisfy { $0.isASCII && allowed.contains($0) }
    }

    /// Why `text` is not a usable engine URL, or nil when it is.
    static func urlProblem(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "'\(text)' is not a URL"
        }
        guard scheme == "https" || scheme == "http" else {
            return "URL scheme must be https or http, found '\(scheme)'"
        }
        guard let host = components.host, !host.isEmpty else {
            return "URL '\(text)' has no host"
        }
        if components.user != nil || components.password != nil {
            return "URL must not carry credentials"
        }
        return nil
    }

    private func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        return base == "." ? path : "\(base)/\(path)"
    }

    private func node(_ root: YAMLNode, _ path: [String]) -> YAMLNode {
        YAMLDecoder.node(at: path.map { Int($0).map { AnyKey(intValue: $0) } ?? AnyKey($0) }, in: root)
    }

    private func error(_ root: YAMLNode, _ path: [String], _ message: String, fix: String? = nil) -> ConfigurationError {
        let keys: [any CodingKey] = path.map { Int($0).map { AnyKey(intValue: $0) } ?? AnyKey($0) }
        return ConfigurationError(location: node(root, path).location, keyPath: YAMLDecoder.keyPath(keys),
                                  message: message, fix: fix)
    }
}

// MARK: - The file's raw shape

private struct RawFile: Decodable {
    var server: RawServer?
    var defaults: RawDefaults?
    var dataDir: String?
    var backends: [RawBackend]?
    var auth: RawAuth?
    var database: RawDatabase?
    var jobs: RawJobs?
    var operations: RawOperations?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case server, defaults, backends, auth, database, jobs, operations
        case dataDir = "data_dir"
    }
}

private struct RawServer: Decodable {
    var host: String?
    var port: Int?
    var maxUploadBytes: Int?
    var jobsPerEngine: Int?
    var cacheTTL: String?
    var maxConnections: Int?
    var idleTimeout: ConfigDuration?
    var headerTimeout: ConfigDuration?
    var requestTimeout: ConfigDuration?
    var lingeringTime: ConfigDuration?
    var lingeringBytes: Int?
    var trustedProxies: [String]?
    var allowedHosts: [String]?
    var replicaName: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port
        case replicaName = "replica_name"
        case trustedProxies = "trusted_proxies"
        case allowedHosts = "allowed_hosts"
        case maxUploadBytes = "max_upload_bytes"
        case jobsPerEngine = "jobs_per_engine"
        case cacheTTL = "cache_ttl"
        case maxConnections = "max_connections"
        case idleTimeout = "idle_timeout"
        case headerTimeout = "header_timeout"
        case requestTimeout = "request_timeout"
        case lingeringTime = "lingering_time"
        case lingeringBytes = "lingering_bytes"
    }
}

private struct RawDefaults: Decodable {
    var username: String?
    var passwordEnv: String?
    var passwordFile: String?
    var insecure: Bool?
    var connectTimeout: ConfigDuration?
    var requestTimeout: ConfigDuration?
    var fullRefresh: ConfigDuration?
    var eventsPoll: ConfigDuration?
    var probeCache: ConfigDuration?
    var refreshMinInterval: ConfigDuration?
    var consistencyProbe: ConfigInterval?
    var guestIPRereads: [ConfigDuration]?
    var guestIPSweep: ConfigInterval?
    var maxResponseBytes: Int?

    init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case username, insecure
        case passwordEnv = "password_env"
        case passwordFile = "password_file"
        case connectTimeout = "connect_timeout"
        case requestTimeout = "request_timeout"
        case fullRefresh = "full_refresh"
        case eventsPoll = "events_poll"
        case probeCache = "probe_cache"
        case refreshMinInterval = "refresh_min_interval"
        case consistencyProbe = "consistency_probe"
        case guestIPRereads = "guest_ip_rereads"
        case guestIPSweep = "guest_ip_sweep"
        case maxResponseBytes = "max_response_bytes"
    }
}

private struct RawBackend: Decodable {
    var name: String
    var type: String
    var url: String
    var username: String?
    var passwordEnv: String?
    var passwordFile: String?
    var caFile: String??
    var insecure: Bool?
    var connectTimeout: ConfigDuration?
    var requestTimeout: ConfigDuration?
    var fullRefresh: ConfigDuration?
    var eventsPoll: ConfigDuration?
    var probeCache: ConfigDuration?
    var refreshMinInterval: ConfigDuration?
    var consistencyProbe: ConfigInterval?
    var guestIPRereads: [ConfigDuration]?
    var guestIPSweep: ConfigInterval?
    var maxResponseBytes: Int?
    var tags: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, type, url, username, insecure, tags, options, password
        case passwordEnv = "password_env"
        case passwordFile = "password_file"
        case caFile = "ca_file"
        case connectTimeout = "connect_timeout"
        case requestTimeout = "request_timeout"
        case fullRefresh = "full_refresh"
        case eventsPoll = "events_poll"
        case probeCache = "probe_cache"
        case refreshMinInterval = "refresh_min_interval"
        case consistencyProbe = "consistency_probe"
        case guestIPRereads = "guest_ip_rereads"
        case guestIPSweep = "guest_ip_sweep"
        case maxResponseBytes = "max_response_bytes"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.password) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [CodingKeys.password],
                debugDescription: "passwords are never written in the configuration file; "
                    + "use password_env (an environment variable) or password_file"))
        }
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(String.self, forKey: .type)
        url = try container.decode(String.self, forKey: .url)
        username = try container.decodeIfPresent(String.self, forKey: .username)
        passwordEnv = try container.decodeIfPresent(String.self, forKey: .passwordEnv)
        passwordFile = try container.decodeIfPresent(String.self, forKey: .passwordFile)
        caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
        insecure = try container.decodeIfPresent(Bool.self, forKey: .insecure)
        connectTimeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .connectTimeout)
        requestTimeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .requestTimeout)
        fullRefresh = try container.decodeIfPresent(ConfigDuration.self, forKey: .fullRefresh)
        eventsPoll = try container.decodeIfPresent(ConfigDuration.self, forKey: .eventsPoll)
        probeCache = try container.decodeIfPresent(ConfigDuration.self, forKey: .probeCache)
        refreshMinInterval = try container.decodeIfPresent(ConfigDuration.self, forKey: .refreshMinInterval)
        consistencyProbe = try container.decodeIfPresent(ConfigInterval.self, forKey: .consistencyProbe)
        guestIPRereads = try container.decodeIfPresent([ConfigDuration].self, forKey: .guestIPRereads)
        guestIPSweep = try container.decodeIfPresent(ConfigInterval.self, forKey: .guestIPSweep)
        maxResponseBytes = try container.decodeIfPresent(Int.self, forKey: .maxResponseBytes)
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        // `options` is kept as a raw node and decoded by the backend kind.
    }
}
