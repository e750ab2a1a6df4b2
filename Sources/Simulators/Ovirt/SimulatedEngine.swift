import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A simulated engine serving on loopback until stopped.
///
/// ```swift
/// let engine = try await SimulatedEngine.start(SimulatedEngineOptions(name: "e15-test"), logger: logger)
/// defer { Task { await engine.stop() } }
/// print(engine.apiURL) // http://127.0.0.1:PORT/ovirt-engine/api
/// ```
public final class SimulatedEngine: Sendable {
    /// The engine name given in the options.
    public let name: String
    /// The bound port.
    public let port: Int
    /// `http(s)://127.0.0.1:PORT/ovirt-engine/api`.
    public let apiURL: String
    /// Changes "made by someone else" and event stream faults (see ``SimulatedEngineAdmin``).
    public let admin: SimulatedEngineAdmin

    private let serviceGroup: ServiceGroup
    private let task: Task<Void, Never>

    private init(
        name: String,
        port: Int,
        apiURL: String,
        admin: SimulatedEngineAdmin,
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
    public static func start(_ options: SimulatedEngineOptions, logger: Logger) async throws -> SimulatedEngine {
        let started = StartSignal()
        let state = EngineState(options: options)
        let application = try OvirtSimulatorApplication.buildApplication(state: state, logger: logger) { port in
            started.succeed(port)
        }
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], logger: logger)
        )
        let task = Task {
            do {
                try await serviceGroup.run()
                started.fail(SimulatedEngineError(message: "server stopped before listening"))
            } catch {
                started.fail(error)
            }
        }
        do {
            let port = try await started.wait()
            return SimulatedEngine(
                name: options.name,
                port: port,
                apiURL: options.apiURL(port: port),
                admin: SimulatedEngineAdmin(state: state),
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

/// Why a simulated engine could not start.
public struct SimulatedEngineError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A one-shot hand-over of the bound port from `onServerRunning` to `start`.
private final class StartSignal: Sendable {
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
