import Logging
import SimulatorSupport

/// A simulated Proxmox VE cluster serving its API on loopback until stopped.
///
/// ```swift
/// try await SimulatedProxmox.withRunning(SimulatedProxmoxOptions(name: "pve-test"), logger: logger) { cluster in
///     print(cluster.apiURL) // http://127.0.0.1:PORT/api2/json
///     try cluster.admin.setNodeOnline("pve3", false)
/// }
/// ```
public final class SimulatedProxmox: RunnableSimulator {
    /// The engine (and cluster) name given in the options.
    public let name: String
    /// `http(s)://127.0.0.1:PORT/api2/json`.
    public let apiURL: String
    /// Changes "made by someone else", fault injection and state (see ``SimulatedProxmoxAdmin``).
    public let admin: SimulatedProxmoxAdmin
    private let server: SimulatorServer

    /// The bound port.
    public var port: Int { server.port }

    private init(name: String, apiURL: String, admin: SimulatedProxmoxAdmin, server: SimulatorServer) {
        self.name = name
        self.apiURL = apiURL
        self.admin = admin
        self.server = server
    }

    /// Starts serving and returns once the server listens; ``stop()`` ends it
    /// (``withRunning(_:logger:isolation:_:)`` does both).
    ///
    /// - Throws: When the address cannot be bound or the TLS files cannot be read.
    public static func start(_ options: SimulatedProxmoxOptions, logger: Logger) async throws -> SimulatedProxmox {
        let state = ClusterState(options: options)
        let server = try await SimulatorServer.start(name: options.name, logger: logger) { onServerRunning in
            try ProxmoxSimulatorApplication.buildApplication(state: state, logger: logger, onServerRunning: onServerRunning)
        }
        return SimulatedProxmox(
            name: options.name,
            apiURL: options.apiURL(port: server.port),
            admin: SimulatedProxmoxAdmin(state: state),
            server: server
        )
    }

    /// Stops listening and waits for the server to finish; later connections are refused.
    public func stop() async {
        await server.stop()
    }
}
