/// One engine as declared under `backends:` in the configuration file.
public struct BackendConfiguration: Sendable, Hashable {
    /// Unique engine name, used in URLs, requests (`ovirt.engine`) and responses.
    public var name: String
    /// The backend kind (`ovirt`).
    public var kind: BackendKind
    /// The engine's API URL, `https://engine.example/ovirt-engine/api`.
    public var url: String
    /// User to authenticate as; nil takes the kind's default (its ``BackendRegistry`` registration).
    public var username: String?
    /// Where the password comes from.
    public var passwordSource: SecretSource?
    /// The password, once resolved with ``AggregatorConfiguration/resolvingSecrets(environment:)``.
    public var password: Secret?
    /// PEM file with the engine's CA certificate; nil trusts the system store.
    public var caFile: String?
    /// Skip TLS verification. Explicit opt-in; logged as a warning at start.
    public var insecure: Bool
    /// Timeout for connecting to the engine. Defaults to 10 seconds.
    public var connectTimeout: Duration
    /// Timeout for one whole list or call, including login and paging. Defaults to 60 seconds.
    public var requestTimeout: Duration
    /// Largest answer accepted from the engine for one request, in bytes (`max_response_bytes`).
    /// Defaults to 256 MiB, well above a 5,000-VM listing page (about 50 MB of JSON).
    public var maxResponseBytes: Int = BackendConfiguration.defaultMaxResponseBytes
    /// Free-form labels (`e15`, `test`), shown in `/api/v1/backends`.
    public var tags: [String]
    /// Kind-specific settings from the `options:` mapping, decoded by the backend.
    public var options: YAMLNode?
    /// Where the entry starts in the configuration file.
    public var location: SourceLocation?
    /// How the live model keeps the engine current (`full_refresh`, `events_poll`).
    public var refresh: RefreshSettings

    /// The default of ``maxResponseBytes``: 256 MiB.
    public static let defaultMaxResponseBytes = 256 << 20

    public init(
        name: String, kind: BackendKind, url: String, username: String? = nil,
        passwordSource: SecretSource? = nil, password: Secret? = nil, caFile: String? = nil,
        insecure: Bool = false, connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(60), tags: [String] = [],
        options: YAMLNode? = nil, location: SourceLocation? = nil, refresh: RefreshSettings = RefreshSettings()
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.username = username
        self.passwordSource = passwordSource
        self.password = password
        self.caFile = caFile
        self.insecure = insecure
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.tags = tags
        self.options = options
        self.location = location
        self.refresh = refresh
    }
}
