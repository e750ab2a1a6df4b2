import Foundation

/// The whole configuration file (`backends.yaml`), validated.
///
/// ```yaml
/// server:
///   host: 0.0.0.0
///   port: 6299
/// defaults:
///   username: admin@internal
///   password_env: OVIRT_PASSWORD
/// backends:
///   - name: e15-test
///     type: ovirt
///     url: https://e15-engine.example/ovirt-engine/api
///     ca_file: certs/e15-test.pem
/// ```
public struct AggregatorConfiguration: Sendable {
    /// HTTP server settings.
    public struct ServerSettings: Sendable, Hashable {
        /// Address to listen on. Defaults to `127.0.0.1`.
        public var host: String = "127.0.0.1"
        /// Port to listen on. Defaults to 6299, the port of the tool this replaces.
        public var port: Int = 6299
        /// Largest accepted upload in bytes. Defaults to 1 MiB.
        public var maxUploadBytes: Int = 1 << 20
        /// Most create jobs running at once on one engine. Defaults to 2.
        public var jobsPerEngine: Int = 2
        /// Most client connections open at once; at the limit a new connection closes the longest
        /// idle one. Lowered at start to fit the open-file limit. Defaults to 4096.
        public var maxConnections: Int = 4096
        /// A connection with no request in progress is closed after this long. Defaults to 30 seconds.
        public var idleTimeout: Duration = .seconds(30)
        /// A request's line and headers must arrive within this long of its first byte. Defaults to 10 seconds.
        public var headerTimeout: Duration = .seconds(10)
        /// A whole request, headers and body, must arrive within this long of its first byte.
        /// Defaults to 60 seconds. (How long the server takes to answer is not limited by it.)
        public var requestTimeout: Duration = .seconds(60)
        /// After an answer written before its request's body ended (a 413), the rest of the body is
        /// read and dropped for at most this long before closing, so a client that sends its whole
        /// body before reading gets the answer instead of a reset. Defaults to 10 seconds.
        public var lingeringTime: Duration = .seconds(10)
        /// At most this many bytes of the rest of such a body are read and dropped. Defaults to 64 MiB.
        public var lingeringBytes: Int = 64 << 20
        /// Reverse proxies (addresses or CIDR blocks) whose `Forwarded` / `X-Forwarded-For`
        /// headers name the client; from any other peer those headers are ignored. Defaults to none.
        public var trustedProxies: [IPAddressRange] = []
        /// Names clients may address the server by (`Host`), checked when authentication is off.
        /// Defaults to nil: the listener's own names (loopback names on a loopback listener).
        public var allowedHosts: [String]?
        public init() {}
    }

    /// The file the configuration was read from (for messages), if any.
    public var file: String?
    public var server = ServerSettings()
    /// Directory for persistent state (jobs, trusted CA files). Defaults to `data` beside the file.
    public var dataDirectory: String
    /// The engines, in file order.
    public var backends: [BackendConfiguration]
    /// Who may call the API (`auth:`). Defaults to none: loopback listeners only.
    public var auth: AuthConfiguration = .none
    /// The job database and job leases (`database:`, `jobs:`). Defaults to the SQLite file in
    /// ``dataDirectory``.
    public var database = DatabaseSettings()
    /// How VMs may be operated (`operations:`): bulk limits, the role a delete needs.
    public var operations = OperationSettings()
    /// Settings the file still has but this version no longer uses, located and with the fix;
    /// the commands print them and go on.
    public var warnings: [ConfigurationError] = []

    public init(file: String? = nil, server: ServerSettings = .init(), dataDirectory: String = "data",
                backends: [BackendConfiguration]) {
        self.file = file
        self.server = server
        self.dataDirectory = dataDirectory
        self.backends = backends
    }

    /// Names of the configured engines, in file order.
    public var engineNames: [String] { backends.map(\.name) }

    /// Resolves every backend's password, and API token digests given by `sha256_env` or
    /// `sha256_file`, from their sources.
    ///
    /// - Parameters:
    ///   - environment: The process environment (injected for tests).
    ///   - database: Also resolve the job database (`AGGREGATOR_DATABASE_URL`, its password); commands
    ///     that never open it (`export`) leave it out, so they need no database password.
    /// - Throws: ``ConfigurationErrors`` listing every engine whose secret is missing.
    public func resolvingSecrets(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 database: Bool = true) throws -> AggregatorConfiguration
    {
        var copy = self
        var errors: [ConfigurationError] = []
        for index in copy.backends.indices {
            let backend = copy.backends[index]
            let keyPath = "backends[\(index)]"
            func fail(_ message: String, _ fix: String) {
                if let location = backend.location {
                    errors.append(ConfigurationError(location: location, keyPath: keyPath, message: message, fix: fix))
                } else {
                    errors.append(ConfigurationError(file: file, keyPath: keyPath, message: message, fix: fix))
                }
            }
            switch backend.passwordSource {
            case .none:
                fail("engine '\(backend.name)' has no password source",
                     "set password_env or password_file for it or under defaults")
            case .environment(let name):
                if let value = environment[name], !value.isEmpty {
                    copy.backends[index].password = Secret(value)
                } else {
                    fail("environment variable \(name) for engine '\(backend.name)' is not set",
                         "export \(name)=... before starting, or use password_file")
                }
            case .file(let path):
                do {
                    let text = try String(contentsOfFile: path, encoding: .utf8)
                    let value = text.trimmingCharacters(in: .newlines)
                    if value.isEmpty {
                        fail("password file \(path) for engine '\(backend.name)' is empty", "write the password into it")
                    } else {
                        copy.backends[index].password = Secret(value)
                    }
                } catch {
                    fail("cannot read password file \(path) for engine '\(backend.name)'",
                         "check that the file exists and is readable by this user")
                }
            }
        }
        let (auth, authErrors) = copy.auth.resolvingDigests(environment: environment, file: file)
        copy.auth = auth
        errors += authErrors
        if database { errors += copy.resolveDatabase(environment: environment) }
        if !errors.isEmpty { throw ConfigurationErrors(errors) }
        return copy
    }
}
