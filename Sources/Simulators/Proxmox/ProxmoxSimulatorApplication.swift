import Hummingbird
import HummingbirdCore
import Logging
import SimulatorSupport

/// Builds the HTTP surface of one simulated cluster, so that tests, the
/// `pve-sim` command and ``SimulatedProxmox`` all run the same thing.
public enum ProxmoxSimulatorApplication {
    /// The router serving one freshly seeded cluster, for in-process tests
    /// (`HummingbirdTesting`'s `.router` mode).
    public static func buildRouter(_ options: SimulatedProxmoxOptions) -> Router<BasicRequestContext> {
        buildRouter(state: ClusterState(options: options))
    }

    /// The router serving the cluster `admin` changes, for in-process tests
    /// that also make changes "from elsewhere":
    ///
    /// ```swift
    /// let admin = SimulatedProxmoxAdmin(options)
    /// let app = Application(router: ProxmoxSimulatorApplication.buildRouter(admin))
    /// try admin.setNodeOnline("pve2", false)
    /// ```
    public static func buildRouter(_ admin: SimulatedProxmoxAdmin) -> Router<BasicRequestContext> {
        buildRouter(state: admin.state)
    }

    static func buildRouter(state: ClusterState) -> Router<BasicRequestContext> {
        SimulatorApplication.buildRouter(latency: state.options.latency) { router in
            PVEAPIController(state: state).addRoutes(to: router)
            PVEAdminController(admin: SimulatedProxmoxAdmin(state: state)).addRoutes(to: router)
        }
    }

    /// The application serving one freshly seeded cluster on `options.host:options.port`,
    /// over TLS when a certificate and key are configured (what `pve-sim` runs).
    public static func buildApplication(
        _ options: SimulatedProxmoxOptions,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        try SimulatedProxmoxAdmin(options).buildApplication(logger: logger, onServerRunning: onServerRunning)
    }
}
