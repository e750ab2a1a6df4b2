/// Shares engine listings between requests.
///
/// Concurrent requests for the same engine and collection wait for one engine call instead of
/// each making its own (single flight). With a positive ``ttl``, a successful answer is also
/// served to later requests until it is older than the TTL; failures are never kept, so the
/// next request asks the engine again.
actor InventoryCache {
    struct Key: Hashable {
        var engine: String
        var collection: String
    }

    private struct Entry {
        var value: any Sendable
        var fetchedAt: ContinuousClock.Instant
    }

    /// How long a successful listing is served from memory; zero keeps only the single flight.
    let ttl: Duration
    private var entries: [Key: Entry] = [:]
    private var inFlight: [Key: Task<any Sendable, Never>] = [:]

    init(ttl: Duration) { self.ttl = ttl }

    /// The engine's answer for `key`, fresh enough, shared or fetched now.
    /// - Parameters:
    ///   - refresh: Ignore a stored answer (an in-flight call is still shared).
    ///   - fetch: Asks the engine; runs at most once at a time per key.
    /// - Returns: The answer and, when it came from memory, its age.
    func value<Item: Sendable>(
        for key: Key, refresh: Bool,
        fetch: @escaping @Sendable () async -> Result<[Item], BackendError>
    ) async -> (result: Result<[Item], BackendError>, age: Duration?) {
        let now = ContinuousClock.now
        if !refresh, ttl > .zero, let entry = entries[key], now - entry.fetchedAt < ttl,
           let stored = entry.value as? Result<[Item], BackendError>
        {
            return (stored, now - entry.fetchedAt)
        }
        if let running = inFlight[key], let shared = await running.value as? Result<[Item], BackendError> {
            return (shared, nil)
        }
        let task = Task<any Sendable, Never> { await fetch() }
        inFlight[key] = task
        let value = await task.value
        inFlight[key] = nil
        let result = value as? Result<[Item], BackendError>
            ?? .failure(BackendError(.invalidResponse, engine: key.engine, message: "inconsistent cache entry"))
        if ttl > .zero, case .success = result {
            entries[key] = Entry(value: result, fetchedAt: ContinuousClock.now)
        } else {
            entries[key] = nil
        }
        return (result, nil)
    }
}
