/// The merged answer of every engine to one list request.
public struct FanOutResult<Item: Sendable>: Sendable {
    /// One engine's part of the answer.
    public struct EngineResult: Sendable {
        public var engine: String
        public var kind: BackendKind
        /// The engine's items or why it failed.
        public var outcome: Result<[Item], BackendError>
        public var duration: Duration
        /// How old the answer is, when it was served from the inventory cache.
        public var cacheAge: Duration?

        public init(engine: String, kind: BackendKind, outcome: Result<[Item], BackendError>, duration: Duration) {
            self.engine = engine
            self.kind = kind
            self.outcome = outcome
            self.duration = duration
        }

        /// The engine's items, empty when it failed.
        public var items: [Item] { (try? outcome.get()) ?? [] }

        /// The status line for this engine.
        public var status: EngineStatus {
            switch outcome {
            case .success(let items):
                return EngineStatus(engine: engine, kind: kind.rawValue, ok: true, count: items.count,
                                    durationMs: duration.milliseconds, cachedAgeMs: cacheAge?.milliseconds)
            case .failure(let error):
                return EngineStatus(engine: engine, kind: kind.rawValue, ok: false, count: 0,
                                    durationMs: duration.milliseconds, error: error.code.description,
                                    message: error.message, httpStatus: error.httpStatus)
            }
        }
    }

    /// Per-engine results, in configuration order.
    public var engines: [EngineResult]

    public init(engines: [EngineResult]) { self.engines = engines }

    /// All items of the engines that answered, in configuration order.
    public var items: [Item] { engines.flatMap(\.items) }
    /// A status per engine, in configuration order.
    public var statuses: [EngineStatus] { engines.map(\.status) }
    /// The engines that failed.
    public var failures: [EngineStatus] { statuses.filter { !$0.ok } }
    /// True when every engine answered.
    public var isComplete: Bool { failures.isEmpty }
}
