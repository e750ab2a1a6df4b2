import Logging

/// A simulator of the kind `Admin` administers, serving on loopback until stopped.
///
/// Each simulator names its own specialisation (`SimulatedEngine`,
/// `SimulatedProxmox`):
///
/// ```swift
/// try await SimulatedEngine.withRunning(SimulatedEngineOptions(name: "e15-test"), logger: logger) { engine in
///     print(engine.apiURL) // http://127.0.0.1:PORT/ovirt-engine/api
///     print(engine.admin)  // changes "made by someone else"
/// }
/// ```
public final class RunningSimulator<Admin: SimulatorAdministration>: RunnableSimulator {
    /// The engine (or cluster) name given in the options.
    public let name: String
    /// The API's base URL on the bound port.
    public let apiURL: String
    /// Changes "made by someone else", fault injection and state.
    public let admin: Admin
    private let server: SimulatorServer

    /// The bound port.
    public var port: Int { server.port }

    private init(name: String, apiURL: String, admin: Admin, server: SimulatorServer) {
        self.name = name
        self.apiURL = apiURL
        self.admin = admin
        self.server = server
    }

    /// Starts serving and returns once the server listens; ``stop()`` ends it
    /// (``RunnableSimulator/withRunning(_:logger:isolation:_:)`` does both).
    ///
    /// - Throws: When the address cannot be bound or the TLS files cannot be read.
    public static func start(_ options: Admin.Options, logger: Logger) async throws -> RunningSimulator {
        let admin = Admin(options)
        let server = try await SimulatorServer.start(name: options.name, logger: logger) { onServerRunning in
            try admin.buildApplication(logger: logger, onServerRunning: onServerRunning)
        }
        return RunningSimulator(name: options.name, apiURL: options.apiURL(port: server.port), admin: admin, server: server)
    }

    /// Stops listening and waits for the server to finish; later connections are refused.
    public func stop() async {
        await server.stop()
    }
}
