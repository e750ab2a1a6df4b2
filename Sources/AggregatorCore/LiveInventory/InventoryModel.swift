import Logging

/// Every configured engine's VMs, hosts and clusters in memory, kept current in the background
/// (``EngineRefreshService``), with indexed lookups and keyset paging.
///
/// A listing of an engine the model has never tried to read reads it first (bounded by the
/// engine's `request_timeout`), so the model also works without its services running.
public final class InventoryModel: Sendable {
    /// The engines, in configuration order.
    public let engines: [EngineModel]

    /// - Parameter now: The clock's reading, for timed re-reads; tests pass their own.
    public init(backends: [RegisteredBackend], logger: Logger,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        engines = backends.map { EngineModel(entry: $0, settings: $0.refresh, logger: logger, now: now) }
    }

    public func engine(named name: String) -> EngineModel? {
        engines.first { $0.name == name }
    }

    /// One refresh service per engine, for the server's `ServiceGroup`.
    public var services: [EngineRefreshService] { engines.map(EngineRefreshService.init) }

    /// Reads the selected engines in full now (`?refresh=true`), each at most once per its
    /// ``RefreshSettings/refreshMinInterval`` (see ``EngineModel/requestedRefresh()``);
    /// concurrent requests share reads.
    /// - Returns: What was done for each engine, by name.
    @discardableResult
    public func refresh(engines selected: Set<String>?) async -> [String: EngineModel.RequestedRefresh] {
        await withTaskGroup(of: (String, EngineModel.RequestedRefresh).self) { group in
            for engine in engines where selected?.contains(engine.name) ?? true {
                group.addTask { (engine.name, await engine.requestedRefresh()) }
            }
            var done: [String: EngineModel.RequestedRefresh] = [:]
            for await (name, outcome) in group { done[name] = outcome }
            return done
        }
    }

    public func vms(_ query: InventoryQuery = InventoryQuery()) async -> Listing<VM> {
        await listing(query, \.vms)
    }

    public func hosts(_ query: InventoryQuery = InventoryQuery()) async -> Listing<Hypervisor> {
        await listing(query, \.hosts)
    }

    public func clusters(_ query: InventoryQuery = InventoryQuery()) async -> Listing<Cluster> {
        await listing(query, \.clusters)
    }

    private func listing<Item: InventoryRecord>(
        _ query: InventoryQuery, _ table: KeyPath<EngineSnapshot, RecordTable<Item>>
    ) async -> Listing<Item> {
        let selected = engines.filter { query.engines?.contains($0.name) ?? true }
        await withTaskGroup(of: Void.self) { group in
            for engine in selected where !engine.snapshot.tried {
                group.addTask { await engine.ensureTried() }
            }
        }
        let now = ContinuousClock.now
        var parts: [Listing<Item>.Part] = []
        var total = 0
        var remaining = query.limit ?? Int.max
        var nextCursor: PageCursor?
        var lastListed: PageCursor?
        var reachedCursorEngine = query.after == nil
        for engine in selected {
            let snapshot = engine.snapshot
            let records = snapshot[keyPath: table]
            var after: (name: String, id: String)?
            if let cursor = query.after, !reachedCursorEngine {
                if cursor.engine == engine.name {
                    reachedCursorEngine = true
                    after = (cursor.name, cursor.id)
                } else {
                    parts.append(.init(status: Self.status(engine, snapshot, count: records.count, now: now), records: []))
                    continue
                }
            }
            let matches = records.matching(query, after: after)
            total += matches.count
            let page = matches.prefix(max(0, remaining))
            remaining -= page.count
            if let last = page.last {
                lastListed = PageCursor(engine: last.item.engine, name: last.item.name, id: last.item.id)
            }
            if nextCursor == nil, page.count < matches.count {
                // The page ends here: continue after the last item listed, or at this engine's start.
                nextCursor = lastListed ?? PageCursor(engine: engine.name, name: "", id: "")
            }
            parts.append(.init(status: Self.status(engine, snapshot, count: records.count, now: now), records: page))
        }
        return Listing(parts: parts, total: total, nextCursor: nextCursor)
    }

    static func status(_ engine: EngineModel, _ snapshot: EngineSnapshot, count: Int,
                       now: ContinuousClock.Instant) -> EngineStatus {
        let backend = engine.entry.backend
        let age = snapshot.syncedAt.map { now - $0 }
        var status = EngineStatus(
            engine: backend.name, kind: backend.kind.rawValue, ok: snapshot.loaded && snapshot.lastError == nil,
            count: count, durationMs: snapshot.lastFullReadDuration?.milliseconds ?? 0,
            error: snapshot.lastError?.code.description, message: snapshot.lastError?.message,
            httpStatus: snapshot.lastError?.httpStatus)
        status.ageMs = age?.milliseconds
        if snapshot.loaded {
            status.stale = snapshot.lastError != nil || (age ?? .zero) > engine.staleAfter
        }
        return status
    }
}
