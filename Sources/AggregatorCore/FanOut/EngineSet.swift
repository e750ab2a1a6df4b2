import Logging

/// Every configured engine, in configuration order, and the live model that answers for them.
///
/// Reads go through ``model`` (``InventoryModel``): it follows each engine and answers from
/// memory. Calls that go to one engine now (a plan, a probe) are bounded by that engine's timeout
/// (``EngineCall``), and a failure becomes an error value, never a thrown error that would cost the
/// answers of the other engines.
public struct EngineSet: Sendable {
    /// The engines, in configuration order.
    public let backends: [RegisteredBackend]
    /// The live model the server's listings answer from.
    public let model: InventoryModel

    public init(backends: [RegisteredBackend], logger: Logger) {
        self.backends = backends
        self.model = InventoryModel(backends: backends, logger: logger)
    }

    /// Engine names in configuration order.
    public var engineNames: [String] { backends.map(\.backend.name) }

    /// The backend named `name`, if configured (case-sensitive).
    public func backend(named name: String) -> (any VirtualizationBackend)? {
        backends.first { $0.backend.name == name }?.backend
    }

    /// Probes (logs in to) every engine, each answered from its short probe cache
    /// (``EngineModel/probe()``), so callers at any rate cost an engine one login per period.
    public func probe() async -> FanOutResult<EngineProbe> {
        let results = await model.engines.concurrentMap { engine in
            let (outcome, duration, age) = await engine.probe()
            var result = FanOutResult<EngineProbe>.EngineResult(
                engine: engine.name, kind: engine.entry.backend.kind, outcome: outcome.map { [$0] }, duration: duration)
            result.cacheAge = age
            return result
        }
        return FanOutResult(engines: results)
    }

    /// Runs `operation` on the engine named `engine`, bounded by that engine's timeout.
    /// Errors other than ``BackendError`` become `.invalidResponse`; an unknown engine is `.notFound`.
    /// - Parameter name: What the call does (`plan`), for metrics.
    /// Runs one call per key concurrently, each on its engine and bounded as ``call(_:name:_:)`` bounds it.
    /// - Returns: Each key's result.
    public func callEach<Key: Hashable & Sendable, T: Sendable>(
        _ calls: [(key: Key, engine: String)], name: String,
        _ operation: @escaping @Sendable (Key, any VirtualizationBackend) async throws -> T
    ) async -> [Key: Result<T, BackendError>] {
        await withTaskGroup(of: (Key, Result<T, BackendError>).self) { group in
            for (key, engine) in calls {
                group.addTask { (key, await self.call(engine, name: name) { try await operation(key, $0) }) }
            }
            var results: [Key: Result<T, BackendError>] = [:]
            for await (key, result) in group { results[key] = result }
            return results
        }
    }

    public func call<T: Sendable>(
        _ engine: String, name: String, _ operation: @escaping @Sendable (any VirtualizationBackend) async throws -> T
    ) async -> Result<T, BackendError> {
        guard let entry = backends.first(where: { $0.backend.name == engine }) else {
            return .failure(BackendError(.notFound, engine: engine, message: "engine \(engine) is not configured"))
        }
        let backend = entry.backend
        return await EngineCall(engine: engine, operation: name, timeout: entry.timeout).run { try await operation(backend) }
    }
}
