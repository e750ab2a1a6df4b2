/// One call to an engine, bounded by the engine's `request_timeout` and measured.
///
/// The body runs in a child task beside a timer; whichever ends first wins and the other is
/// cancelled, so a hung engine costs its caller at most the timeout. Every call is counted and
/// timed by engine, operation and outcome (``AggregatorMetrics``).
public struct EngineCall: Sendable {
    /// The engine's name, for errors and metrics.
    public var engine: String
    /// What the call does (`read_inventory`, `changes`, `probe`), for metrics.
    public var operation: String
    /// Upper bound for the whole call, login and paging included.
    public var timeout: Duration

    public init(engine: String, operation: String, timeout: Duration) {
        self.engine = engine
        self.operation = operation
        self.timeout = timeout
    }

    /// Runs `body`, giving up after ``timeout``: the body is cancelled and `.timeout` returned.
    /// Errors other than ``BackendError`` become `.invalidResponse`.
    public func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async -> Result<T, BackendError> {
        let start = ContinuousClock.now
        let result = await race(body)
        let outcome: String
        switch result {
        case .success: outcome = "ok"
        case .failure(let error): outcome = error.code.description
        }
        AggregatorMetrics.engineCall(engine: engine, operation: operation, outcome: outcome,
                                     duration: ContinuousClock.now - start)
        return result
    }

    private func race<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async -> Result<T, BackendError> {
        let engine = self.engine
        let timeout = self.timeout
        return await withTaskGroup(of: Result<T, BackendError>?.self) { group in
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
                    break
                }
            }
            group.cancelAll()
            return result ?? .failure(BackendError(.timeout, engine: engine, message: "cancelled"))
        }
    }
}
