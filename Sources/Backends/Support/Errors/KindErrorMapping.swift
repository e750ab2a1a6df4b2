import AggregatorCore
import EngineHTTP

/// A kind's error mapping: the shared ``EngineErrorMapping`` table plus the kind's own reading of
/// its engine's error answers (which it adds as `status(_:request:)` and `invalid(...)`).
///
/// A conformer declares its ``wording`` and holds the shared mapping; construction and transport
/// failures come from here, so every kind words them the same way.
///
/// ```swift
/// struct ProxmoxErrorMapping: KindErrorMapping {
///     static let wording = EngineErrorMapping.Wording(unauthorized: "...", byteCount: .bytes)
///     let shared: EngineErrorMapping
/// }
/// ```
public protocol KindErrorMapping: Sendable {
    /// What differs in this kind's messages.
    static var wording: EngineErrorMapping.Wording { get }
    /// The shared table, configured for one engine.
    var shared: EngineErrorMapping { get }
    /// Wraps a shared mapping (made with ``wording``).
    init(shared: EngineErrorMapping)
}

extension KindErrorMapping {
    /// The mapping of one engine.
    /// - Parameters:
    ///   - engine: The engine's name, which every error carries.
    ///   - endpoints: The engine's URLs; errors name their `host:port`.
    ///   - connectTimeout: The engine's `connect_timeout`.
    ///   - requestTimeout: The engine's `request_timeout`.
    ///   - maxResponseBytes: The engine's `max_response_bytes`. Defaults to 256 MiB.
    public init(engine: String, endpoints: EngineEndpoints, connectTimeout: Duration, requestTimeout: Duration,
                maxResponseBytes: Int = BackendConfiguration.defaultMaxResponseBytes) {
        self.init(shared: EngineErrorMapping(engine: engine, endpoints: endpoints, connectTimeout: connectTimeout,
                                             requestTimeout: requestTimeout, maxResponseBytes: maxResponseBytes,
                                             wording: Self.wording))
    }

    /// The mapping of a configured engine (its name, timeouts and `max_response_bytes`).
    public init(configuration: BackendConfiguration, endpoints: EngineEndpoints) {
        self.init(engine: configuration.name, endpoints: endpoints, connectTimeout: configuration.connectTimeout,
                  requestTimeout: configuration.requestTimeout, maxResponseBytes: configuration.maxResponseBytes)
    }

    /// A transport failure (no HTTP answer); `timeout` is the call's own timeout when it had one.
    public func transport(_ error: HTTPClientError, timeout: Duration? = nil) -> BackendError {
        shared.transport(error, timeout: timeout)
    }
}
