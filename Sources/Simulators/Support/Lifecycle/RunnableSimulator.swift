import Logging

/// A simulator that serves on a port from ``start(_:logger:)`` until ``stop()``.
///
/// ``withRunning(_:logger:_:)`` scopes it, so it stops on every path:
///
/// ```swift
/// try await SimulatedEngine.withRunning(SimulatedEngineOptions(name: "e15-test"), logger: logger) { engine in
///     print(engine.apiURL) // http://127.0.0.1:PORT/ovirt-engine/api
/// }
/// ```
public protocol RunnableSimulator: Sendable {
    /// What configures one simulator.
    associatedtype Options: Sendable

    /// The bound port.
    var port: Int { get }
    /// The API's base URL on the bound port.
    var apiURL: String { get }

    /// Starts serving and returns once the server listens.
    static func start(_ options: Options, logger: Logger) async throws -> Self

    /// Stops listening and waits for the server to finish.
    func stop() async
}

extension RunnableSimulator {
    /// Starts a simulator, runs `body` with it, and stops it when `body`
    /// returns or throws.
    ///
    /// - Parameters:
    ///   - options: The simulator to start; port 0 picks a free port.
    ///   - logger: The logger the server uses.
    ///   - body: Works with the running simulator (its ``port``, ``apiURL``).
    /// - Returns: What `body` returns.
    public static func withRunning<Result>(
        _ options: Options,
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Self) async throws -> sending Result
    ) async throws -> sending Result {
        let simulator = try await start(options, logger: logger)
        let result: Result
        do {
            result = try await body(simulator)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
        return result
    }
}
