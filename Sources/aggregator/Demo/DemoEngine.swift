import AggregatorCore
import Logging

/// A simulated engine the demo runs in-process, with the configuration that reaches it.
struct DemoEngine: Sendable {
    var name: String
    var kind: BackendKind
    var apiURL: String
    /// How the aggregator reaches and logs in to the simulator.
    var configuration: BackendConfiguration
    var stop: @Sendable () async -> Void
}

/// The size of each simulated engine.
struct DemoSize: Sendable {
    var vms: Int
    var hosts: Int
    /// Added to every simulated request.
    var latency: Duration
}

/// Starts one simulated engine of a kind, named `name`.
typealias DemoSimulator = @Sendable (_ name: String, _ size: DemoSize, _ logger: Logger) async throws -> DemoEngine
