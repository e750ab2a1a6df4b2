import Hummingbird
import HummingbirdCore
import SimulatorSupport

// The running simulator's members (`port`, `apiURL`, `admin`, `start`, `stop`,
// `withRunning`) are part of this module's API: callers need not import SimulatorSupport.
@_exported import class SimulatorSupport.RunningSimulator
@_exported import protocol SimulatorSupport.RunnableSimulator

/// A simulated Proxmox VE cluster serving its API on loopback until stopped;
/// its ``RunningSimulator/admin`` makes changes "made by someone else",
/// injects faults and reads state (see ``SimulatedProxmoxAdmin``).
///
/// ```swift
/// try await SimulatedProxmox.withRunning(SimulatedProxmoxOptions(name: "pve-test"), logger: logger) { cluster in
///     print(cluster.apiURL) // http://127.0.0.1:PORT/api2/json
///     try cluster.admin.setNodeOnline("pve3", false)
/// }
/// ```
public typealias SimulatedProxmox = RunningSimulator<SimulatedProxmoxAdmin>

extension SimulatedProxmoxOptions: SimulatorOptions {}

extension SimulatedProxmoxAdmin: SimulatorAdministration {
    /// The options the cluster was seeded from.
    public var options: SimulatedProxmoxOptions { state.options }

    /// Custom reason phrases (the API's error messages) survive the HTTP/1 encoding.
    public static var http1: HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [ReasonPhraseCarrier()]))
    }

    /// The `/api2/json` API and the admin routes.
    public func buildRouter(tls: SimulatorTLS?) -> Router<BasicRequestContext> {
        ProxmoxSimulatorApplication.buildRouter(state: state)
    }
}
