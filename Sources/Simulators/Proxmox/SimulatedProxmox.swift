import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A simulated Proxmox VE cluster serving its API on loopback until stopped.
///
/// ```swift
/// let cluster = try await SimulatedProxmox.start(SimulatedProxmoxOptions(name: "pve-test"), logger: logger)
/// print(cluster.apiURL) // http://127.0.0.1:PORT/api2/json
/// try cluster.admin.setNodeOnline("pve3", false)
/// await cluster.stop()
/// ```
public final class SimulatedProxmox: Sendable {
    /// The engine (and cluster) name given in the options.
    public let name: String
    /// The bound port.
    public let port: Int
    /// `http(s)://127.0.0.1:PORT/api2/json`.
    public let apiURL: String
    /// Changes "made by someone else", fault injection and state (see ``SimulatedProxmoxAdmin``).
    public let admin: SimulatedProxmoxAdmin

    private let serviceGroup: ServiceGroup
    private let task: Task<Void, Never>

    private init(
        name: String,
        port: Int,
        apiURL: String,
        admin: SimulatedProxmoxAdmin,
        serviceGroup: ServiceGroup,
        task: Task<Void, Never>
    ) {
        self.name = name
        self.port = port
        self.apiURL = apiURL
        self.admin = admin
        self.serviceGroup = serviceGroup
        self.task = task
    }

    /// Starts serving and returns once the server listens.
    ///
    /// - Throws: When the address cannot be bound or the TLS files cannot be read.
    public static func start(_ options: SimulatedProxmoxOptions, logger: Logger) async throws -> SimulatedProxmox {
        let started = PortSignal()
        let state = ClusterState(options: options)
        let application = try ProxmoxSimulatorApplication.buildApplication(state: state, logger: logger) { port in
            started.succeed(port)
        }
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], logger: logger)
        )
        let task = Task {
            do {
                try await serviceGroup.run()
                started.fail(SimulatedProxmoxError(name: options.name, message: "server stopped before listening"))
            } catch {
                started.fail(error)
            }
        }
        do {
            let port = try await started.wait()
            return SimulatedProxmox(
                name: options.name,
                port: port,
                apiURL: options.apiURL(port: port),
                admin: SimulatedProxmoxAdmin(state: state),
                serviceGroup: serviceGroup,
                task: task
            )
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

/// Why a simulated cluster could not start.
public struct SimulatedProxmoxError: Error, CustomStringConvertible {
    /// The engine name.
    public var name: String
    /// What went wrong.
    public var message: String
    /// `name: message`.
    public var description: String { "\(name): \(message)" }
}

/// A one-shot hand-over of the bound port from `onServerRunning` to `start`.
private final class PortSignal: Sendable {
    private enum State {
        case pending(CheckedContinuation<Int, any Error>?)
        case done(Result<Int, any Error>)
    }

    private let state = Mutex<State>(.pending(nil))

    func succeed(_ port: Int) { complete(.success(port)) }
    func fail(_ error: any Error) { complete(.failure(error)) }

    private func complete(_ result: Result<Int, any Error>) {
        let continuation: CheckedContinuation<Int, any Error>? = state.withLock { state in
            guard case .pending(let continuation) = state else { return nil }
            state = .done(result)
            return continuation
        }
        continuation?.resume(with: result)
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = state.withLock { state in
                switch state {
                case .pending:
                    state = .pending(continuation)
                    return nil
                case .done(let result):
                    return result
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
