import AggregatorCore
import Logging
import OvirtSimulator

@testable import OvirtBackend

/// Runs `body` with a simulated engine, stopping it on every path.
func withSimulatedEngine<T>(
    _ name: String, configure: (inout SimulatedEngineOptions) -> Void = { _ in },
    _ body: (SimulatedEngine) async throws -> T
) async throws -> T {
    var options = SimulatedEngineOptions(name: name)
    configure(&options)
    let engine = try await SimulatedEngine.start(options, logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() })
    do {
        let result = try await body(engine)
        await engine.stop()
        return result
    } catch {
        await engine.stop()
        throw error
    }
}

/// Runs `body` with a backend for `configuration`, shutting it down on every path.
func withOvirtBackend<T>(
    _ configuration: BackendConfiguration, logger: Logger, tuning: OvirtBackend.Tuning = .init(),
    _ body: (OvirtBackend) async throws -> T
) async throws -> T {
    let backend = try OvirtBackend(configuration: configuration, logger: logger, tuning: tuning)
    do {
        let result = try await body(backend)
        await backend.shutdown()
        return result
    } catch {
        await backend.shutdown()
        throw error
    }
}
