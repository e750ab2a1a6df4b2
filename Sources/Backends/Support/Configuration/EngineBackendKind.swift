import AggregatorCore
import Logging

/// A backend kind that talks to one engine's HTTP API: what ``BackendRegistry`` needs of it to
/// register it with ``BackendRegistry/register(_:)``.
///
/// Capabilities are separate protocols (``ChangeFeedBackend``, ``VMCreatingBackend``, ...); this
/// one only says how the kind is built and trusted.
public protocol EngineBackendKind: VirtualizationBackend {
    /// The kind this backend registers under (`type:` in the configuration): `proxmox`.
    static var kind: BackendKind { get }
    /// The user an engine of this kind is logged in as when its entry names none.
    static var defaultUsername: String { get }

    /// Builds the backend of one configured engine; nothing is sent until the first call.
    /// - Throws: ``ConfigurationError`` naming the engine and key when the entry is unusable.
    init(configuration: BackendConfiguration, logger: Logger) throws

    /// Fetches the engine's CA certificate (PEM) without verifying TLS, for `aggregator trust`.
    static func fetchCACertificate(apiURL: String, connectTimeout: Duration, requestTimeout: Duration)
        async throws -> String
}

extension BackendRegistry {
    /// Registers `backend`'s kind: its factory, its default user and its CA download.
    ///
    /// ```swift
    /// public static func register(in registry: inout BackendRegistry) { registry.register(ProxmoxBackend.self) }
    /// ```
    public mutating func register<Backend: EngineBackendKind>(_ backend: Backend.Type) {
        register(Backend.kind, defaultUsername: Backend.defaultUsername, fetchCACertificate: { configuration in
            try await Backend.fetchCACertificate(apiURL: configuration.url, connectTimeout: configuration.connectTimeout,
                                                 requestTimeout: configuration.requestTimeout)
        }, factory: { configuration, context in
            try Backend(configuration: configuration, logger: context.logger)
        })
    }
}
