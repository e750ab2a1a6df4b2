import AggregatorCore
import OvirtBackend
import ProxmoxBackend

/// Every backend kind this build knows: one line per kind.
enum BackendKinds {
    static func registry() -> BackendRegistry {
        var registry = BackendRegistry()
        OvirtBackend.register(in: &registry)
        ProxmoxBackend.register(in: &registry)
        return registry
    }

    /// Fetches an engine's CA certificate (PEM) without verifying TLS, for `aggregator trust`.
    static func caFetcher(for kind: BackendKind) -> (@Sendable (BackendConfiguration) async throws -> String)? {
        switch kind {
        case OvirtBackend.kind:
            return { config in
                try await OvirtBackend.fetchCACertificate(
                    apiURL: config.url, connectTimeout: config.connectTimeout, requestTimeout: config.requestTimeout)
            }
        default:
            return nil
        }
    }
}
