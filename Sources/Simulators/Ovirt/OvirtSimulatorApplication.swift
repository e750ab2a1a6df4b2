import Hummingbird
import Logging
import SimulatorSupport

/// Builds the HTTP surface of one simulated engine, so that tests, the
/// `ovirt-sim` command and ``SimulatedEngine`` all run the same thing.
public enum OvirtSimulatorApplication {
    /// The router serving one freshly seeded engine, for in-process tests
    /// (`HummingbirdTesting`'s `.router` mode).
    public static func buildRouter(_ options: SimulatedEngineOptions) -> Router<BasicRequestContext> {
        buildRouter(state: EngineState(options: options), certificatePEM: nil)
    }

    /// The router serving the engine `admin` changes, for in-process tests
    /// that also make changes "from elsewhere" (`HummingbirdTesting`'s
    /// `.router` mode):
    ///
    /// ```swift
    /// let admin = SimulatedEngineAdmin(options)
    /// let app = Application(router: OvirtSimulatorApplication.buildRouter(admin))
    /// try admin.addVM(name: "x", status: "up")
    /// ```
    public static func buildRouter(_ admin: SimulatedEngineAdmin) -> Router<BasicRequestContext> {
        buildRouter(state: admin.state, certificatePEM: nil)
    }

    static func buildRouter(state: EngineState, certificatePEM: String?) -> Router<BasicRequestContext> {
        SimulatorApplication.buildRouter(latency: state.options.latency) { router in
            router.add(middleware: FaultInjectionMiddleware(state: state))
            SSOController(state: state).addRoutes(to: router)
            OvirtAPIController(state: state).addRoutes(to: router)
            PKIResourceController(certificatePEM: certificatePEM).addRoutes(to: router)
            SimulatorAdminController(state: state).addRoutes(to: router)
        }
    }

    /// The application serving one freshly seeded engine on `options.host:options.port`,
    /// over TLS when a certificate and key are configured (what `ovirt-sim` runs).
    public static func buildApplication(
        _ options: SimulatedEngineOptions,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        try SimulatedEngineAdmin(options).buildApplication(logger: logger, onServerRunning: onServerRunning)
    }
}
