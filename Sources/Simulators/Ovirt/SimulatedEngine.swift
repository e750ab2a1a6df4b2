import Hummingbird
import Logging
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
    /// The application serving this engine on its options' host and port
    /// (what ``SimulatedEngine`` runs).
    public func buildApplication(
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> some ApplicationProtocol {
        try OvirtSimulatorApplication.buildApplication(state: state, logger: logger, onServerRunning: onServerRunning)
    }
}
