/// A backend together with the settings the fan-out needs for it.
public struct RegisteredBackend: Sendable {
    public var backend: any VirtualizationBackend
    /// Upper bound for one whole list call on this engine (login and paging included).
    public var timeout: Duration
    /// The engine's API URL as configured (never with credentials), for display.
    public var url: String?
    /// The engine's tags from the configuration.
    public var tags: [String]
    /// How the live model keeps the engine current.
    public var refresh: RefreshSettings

    public init(backend: any VirtualizationBackend, timeout: Duration, url: String? = nil, tags: [String] = [],
                refresh: RefreshSettings = RefreshSettings()) {
        self.backend = backend
        self.timeout = timeout
        self.url = url
        self.tags = tags
        self.refresh = refresh
    }
}
