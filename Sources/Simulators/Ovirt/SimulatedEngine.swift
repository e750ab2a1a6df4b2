import Logging
import SimulatorSupport

/// A simulated engine serving on loopback until stopped.
///
/// ```swift
/// try await SimulatedEngine.withRunning(SimulatedEngineOptions(name: "e15-test"), logger: logger) { engine in
///     print(engine.apiURL) // http://127.0.0.1:PORT/ovirt-engine/api
/// }
/// ```
public final class SimulatedEngine: RunnableSimulator {
    /// The engine name given in the options.
    public let name: String
    /// `http(s)://127.0.0.1:PORT/ovirt-engine/api`.
    public let apiURL: String
    /// Changes "made by someone else" and event stream faults (see ``SimulatedEngineAdmin``).
    public let admin: SimulatedEngineAdmin
    private let server: SimulatorServer

    /// The bound port.
    public var port: Int { server.port }

    private init(name: String, apiURL: String, admin: SimulatedEngineAdmin, server: SimulatorServer) {
        self.name = name
        self.apiURL = apiURL
        self.admin = admin
        self.server = server
    }

    /// Starts serving and returns once the server listens; ``stop()`` ends it
    /// (``withRunning(_:logger:isolation:_:)`` does both).
    ///
    /// - Throws: When the address cannot be bound or the TLS files cannot be read.
    public static func start(_ options: SimulatedEngineOptions, logger: Logger) async throws -> SimulatedEngine {
        let state = EngineState(options: options)
        let server = try await SimulatorServer.start(name: options.name, logger: logger) { onServerRunning in
            try OvirtSimulatorApplication.buildApplication(state: state, logger: logger, onServerRunning: onServerRunning)
        }
        return SimulatedEngine(
            name: options.name,
            apiURL: options.apiURL(port: server.port),
            admin: SimulatedEngineAdmin(state: state),
            server: server
        )
    }

    /// Stops listening and waits for the server to finish; later connections are refused.
    public func stop() async {
        await server.stop()
    }
}
