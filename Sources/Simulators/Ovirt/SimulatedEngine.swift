import Hummingbird
import SimulatorSupport

// The running simulator's members (`port`, `apiURL`, `admin`, `start`, `stop`,
// `withRunning`) are part of this module's API: callers need not import SimulatorSupport.
@_exported import class SimulatorSupport.RunningSimulator
@_exported import protocol SimulatorSupport.RunnableSimulator

/// A simulated engine serving on loopback until stopped; its ``RunningSimulator/admin``
/// makes changes "made by someone else" and injects event stream faults
/// (see ``SimulatedEngineAdmin``).
///
/// ```swift
/// try await SimulatedEngine.withRunning(SimulatedEngineOptions(name: "e15-test"), logger: logger) { engine in
///     print(engine.apiURL) // http://127.0.0.1:PORT/ovirt-engine/api
/// }
/// ```
public typealias SimulatedEngine = RunningSimulator<SimulatedEngineAdmin>

extension SimulatedEngineOptions: SimulatorOptions {}

extension SimulatedEngineAdmin: SimulatorAdministration {
    /// The options the engine was seeded from.
    public var options: SimulatedEngineOptions { state.options }

    /// `ovirt-sim`.
    public static var serverName: String? { "ovirt-sim" }

    /// SSO, the REST API, the CA certificate (`pki-resource`) and the admin routes.
    public func buildRouter(tls: SimulatorTLS?) -> Router<BasicRequestContext> {
        OvirtSimulatorApplication.buildRouter(state: state, certificatePEM: tls?.certificatePEM)
    }
}
