import Logging

/// A backend together with the settings the fan-out needs for it.
public struct RegisteredBackend: Sendable {
    public var backend: any VirtualizationBackend
    /// Upper bound for one whole list call on this engine (login and paging included).
    public var timeout: Duration
    /// The engine's API URL as configured (never with credentials), for display.
    public var url: String?
    /// The engine's tags from the configuration.
    public var tags: [String]
    /// How the live model keeps the engine current.
    public var refresh: RefreshSettings

    public init(backend: any VirtualizationBackend, timeout: Duration, url: String? = nil, tags: [String] = [],
                refresh: RefreshSettings = RefreshSettings()) {
        self.backend = backend
        self.timeout = timeout
        self.url = url
        self.tags = tags
        self.refresh = refresh
    }
}

/// Every configured engine behind one API: lists fan out to all of them concurrently.
///
/// Each engine runs in its own child task with its own timeout, and its failure becomes a
/// status line rather than an error, so one engine that is down, slow or answers garbage
/// never costs the answers of the others.
///
/// Concurrent requests for the same listing share one call per engine; with a positive
/// `cacheTTL`, answers are also served from memory until they are that old (`refresh`
/// bypasses it).
public struct Inventory: Sendable {
    /// The engines, in configuration order.
    public let backends: [RegisteredBackend]
    /// The live model the server's listings answer from.
    public let model: InventoryModel
    private let logger: Logger
    private let cache: InventoryCache

    /// - Parameter cacheTTL: How long a successful listing is reused. Defaults to zero: every
    ///   request asks the engines (concurrent identical requests still share one call).
    public init(backends: [RegisteredBackend], cacheTTL: Duration = .zero, logger: Logger) {
        self.backends = backends
        self.logger = logger
        self.cache = InventoryCache(ttl: cacheTTL)
        self.model = InventoryModel(backends: backends, logger: logger)
    }

    /// Engine names in configuration order.
    public var engineNames: [String] { backends.map(\.backend.name) }

    /// The backend named `name`, if configured (case-sensitive).
    public func backend(named name: String) -> (any VirtualizationBackend)? {
        backends.first { $0.backend.name == name }?.backend
    }

    /// Lists VMs on every engine (or only those in `engines`, when given).
    /// - Parameter refresh: Ask the engines even if a cached answer is fresh.
    public func listVMs(engines: Set<String>? = nil, refresh: Bool = false) async -> FanOutResult<VM> {
        await collect(engines: engines, capability: .listVMs, operation: "list_vms", cacheKey: "vms", refresh: refresh) {
            try await $0.listVMs()
        }
    }

    /// Lists hosts on every engine (or only those in `engines`, when given).
    public func listHosts(engines: Set<String>? = nil, refresh: Bool = false) async -> FanOutResult<Host> {
        await collect(engines: engines, capability: .listHosts, operation: "list_hosts", cacheKey: "hosts", refresh: refresh) {
            try await $0.listHosts()
        }
    }

    /// Lists clusters on every engine (or only those in `engines`, when given).
    public func listClusters(engines: Set<String>? = nil, refresh: Bool = false) async -> FanOutResult<Cluster> {
        await collect(engines: engines, capability: .listClusters, operation: "list_clusters", cacheKey: "clusters", refresh: refresh) {
            try await $0.listClusters()
        }
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
    public func call<T: Sendable>(
        _ engine: String, name: String, _ operation: @escaping @Sendable (any VirtualizationBackend) async throws -> T
    ) async -> Result<T, BackendError> {
        guard let entry = backends.first(where: { $0.backend.name == engine }) else {
            return .failure(BackendError(.notFound, engine: engine, message: "engine \(engine) is not configured"))
        }
        let backend = entry.backend
        return await Self.withTimeout(entry.timeout, engine: engine, operation: name) { try await operation(backend) }
    }

    /// Runs `operation` on the selected engines concurrently, each bounded by its own timeout.
    /// - Parameters:
    ///   - cacheKey: Names the listing for sharing between requests; nil never shares.
    ///   - refresh: Ignore cached answers.
    public func collect<Item: Sendable>(
        engines: Set<String>?,
        capability: BackendCapabilities,
        operation name: String,
        cacheKey: String? = nil,
        refresh: Bool = false,
        _ operation: @escaping @Sendable (any VirtualizationBackend) async throws -> [Item]
    ) async -> FanOutResult<Item> {
        let selected = backends.filter { engines?.contains($0.backend.name) ?? true }
        let logger = self.logger
        let cache = self.cache
        let results = await selected.concurrentMap { entry in
            guard let cacheKey else {
                return await Self.run(entry, capability: capability, name: name, logger: logger, operation)
            }
            let start = ContinuousClock.now
            let key = InventoryCache.Key(engine: entry.backend.name, collection: cacheKey)
            let (outcome, age) = await cache.value(for: key, refresh: refresh) {
                await Self.run(entry, capability: capability, name: name, logger: logger, operation).outcome
            }
            var result = FanOutResult<Item>.EngineResult(
                engine: entry.backend.name, kind: entry.backend.kind, outcome: outcome,
                duration: ContinuousClock.now - start)
            result.cacheAge = age
            return result
        }
        return FanOutResult(engines: results)
    }

    private static func run<Item: Sendable>(
        _ entry: RegisteredBackend,
        capability: BackendCapabilities,
        name: String,
        logger: Logger,
        _ operation: @escaping @Sendable (any VirtualizationBackend) async throws -> [Item]
    ) async -> FanOutResult<Item>.EngineResult {
        let backend = entry.backend
        let clock = ContinuousClock()
        let start = clock.now
        let outcome: Result<[Item], BackendError>
        if !backend.capabilities.isSuperset(of: capability) {
            outcome = .failure(BackendError(.unsupported, engine: backend.name,
                                            message: "\(backend.kind) engines do not support this listing"))
        } else {
            outcome = await withTimeout(entry.timeout, engine: backend.name, operation: name) {
                try await operation(backend)
            }
        }
        let duration = clock.now - start
        switch outcome {
        case .success(let items):
            logger.debug("Engine answered", metadata: [
                "backend.name": "\(backend.name)", "item.count": "\(items.count)",
                "duration.ms": "\(duration.milliseconds)",
            ])
        case .failure(let error):
            logger.warning("Engine failed", metadata: [
                "backend.name": "\(backend.name)", "error.code": "\(error.code)",
                "error.message": "\(error.message)", "duration.ms": "\(duration.milliseconds)",
            ])
        }
        return .init(engine: backend.name, kind: backend.kind, outcome: outcome, duration: duration)
    }

    /// Runs `body`, giving up after `timeout`: the body is cancelled and a `.timeout` error returned.
    /// Every call is counted and timed by engine, `operation` and outcome (``AggregatorMetrics``).
    static func withTimeout<T: Sendable>(
        _ timeout: Duration, engine: String, operation: String, _ body: @escaping @Sendable () async throws -> T
    ) async -> Result<T, BackendError> {
        let start = ContinuousClock.now
        let result = await withTimeout(timeout, engine: engine, body)
        let outcome: String
        switch result {
        case .success: outcome = "ok"
        case .failure(let error): outcome = error.code.description
        }
        AggregatorMetrics.engineCall(engine: engine, operation: operation, outcome: outcome,
                                     duration: ContinuousClock.now - start)
        return result
    }

    private static func withTimeout<T: Sendable>(
        _ timeout: Duration, engine: String, _ body: @escaping @Sendable () async throws -> T
    ) async -> Result<T, BackendError> {
        await withTaskGroup(of: Result<T, BackendError>?.self) { group in
            group.addTask {
                do {
                    return .success(try await body())
                } catch let error as BackendError {
                    return .failure(error)
                } catch is CancellationError {
                    return nil
                } catch {
                    return .failure(BackendError(.invalidResponse, engine: engine, message: "\(error)"))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                if Task.isCancelled { return nil }
                return .failure(BackendError(
                    .timeout, engine: engine,
                    message: "no complete answer within \(timeout.milliseconds) ms (request_timeout)"))
            }
            var result: Result<T, BackendError>?
            for await candidate in group {
                if let candidate {
                    result = candidate
                    group.cancelAll()
                    break
                }
            }
            group.cancelAll()
            return result ?? .failure(BackendError(.timeout, engine: engine, message: "cancelled"))
        }
    }
}
