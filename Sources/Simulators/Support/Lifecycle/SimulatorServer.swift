import Logging
import ServiceLifecycle

/// One simulator application serving in a `ServiceGroup` of its own until
/// stopped: what ``RunnableSimulator``s run in-process (tests, the demo).
///
/// ```swift
/// let server = try await SimulatorServer.start(name: "e15-test", logger: logger) { onServerRunning in
///     try buildApplication(options, logger: logger, onServerRunning: onServerRunning)
/// }
/// print(server.port)
/// await server.stop()
/// ```
public final class SimulatorServer: Sendable {
    /// The bound port.
    public let port: Int

    private let serviceGroup: ServiceGroup
    private let task: Task<Void, Never>

    private init(port: Int, serviceGroup: ServiceGroup, task: Task<Void, Never>) {
        self.port = port
        self.serviceGroup = serviceGroup
        self.task = task
    }

    /// Starts serving and returns once the server listens.
    ///
    /// - Parameters:
    ///   - name: The simulator's name, for errors.
    ///   - logger: The logger of the service group.
    ///   - application: Builds the service to run; it must call the closure
    ///     it is given with the bound port once it listens.
    /// - Throws: What `application` throws, what the service throws before it
    ///   listens (an address that cannot be bound), or ``SimulatorStartError``
    ///   when it stops without listening.
    public static func start(
        name: String,
        logger: Logger,
        application: (_ onServerRunning: @escaping @Sendable (Int) async -> Void) throws -> some Service
    ) async throws -> SimulatorServer {
        let started = SimulatorStartSignal()
        let service = try application { port in started.succeed(port) }
        let serviceGroup = ServiceGroup(configuration: ServiceGroupConfiguration(services: [service], logger: logger))
        // Not structured: the server outlives this call; `stop()` awaits it.
        let task = Task {
            do {
                try await serviceGroup.run()
                started.fail(SimulatorStartError(name: name, message: "server stopped before listening"))
            } catch {
                started.fail(error)
            }
        }
        do {
            let port = try await started.wait()
            return SimulatorServer(port: port, serviceGroup: serviceGroup, task: task)
        } catch {
            await serviceGroup.triggerGracefulShutdown()
            await task.value
            throw error
        }
    }

    /// Stops listening and waits for the server to finish; later connections are refused.
    public func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        await task.value
    }
}
