import Logging
import Synchronization

/// The live model of one engine: its items in memory and the operations that keep them current.
///
/// Readers take the current ``EngineSnapshot`` (a copy-on-write value) and never wait on
/// writers. Writers (full read, change poll, targeted re-read) run one at a time, so a full
/// read and the events that follow it are applied in order: the change cursor is taken before
/// the full read, and the changes after it are applied after it.
public final class EngineModel: Sendable {
    public let entry: RegisteredBackend
    public let settings: RefreshSettings
    let logger: Logger
    let state = Mutex(EngineSnapshot())
    let cursor = Mutex<ChangeCursor?>(nil)
    /// Running VMs whose guest addresses are awaited (``rereadAwaitedGuestAddresses(now:)``).
    let awaitedAddresses = Mutex<[String: GuestAddressWatch]>([:])
    private let writer = ConcurrencyLimiter(limit: 1)
    /// The full read asked for and not finished yet, which later requests join.
    private let pendingRead = Mutex<Task<BackendError?, Never>?>(nil)
    /// When a request last made a full read (``requestedRefresh()``).
    private let lastRequestedRead = Mutex<ContinuousClock.Instant?>(nil)
    private let probes: EngineProbeCache

    /// The clock's reading, for the guest-address re-reads; tests pass their own.
    let now: @Sendable () -> ContinuousClock.Instant

    init(entry: RegisteredBackend, settings: RefreshSettings, logger: Logger,
         now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.entry = entry
        self.settings = settings
        self.now = now
        probes = EngineProbeCache(ttl: settings.probeCache)
        var logger = logger
        logger[metadataKey: "backend.name"] = "\(entry.backend.name)"
        self.logger = logger
    }

    public var name: String { entry.backend.name }
    var backend: any VirtualizationBackend { entry.backend }
    /// True when the backend reports changes between full reads.
    public var followsChanges: Bool { backend is any ChangeFeedBackend }

    /// The items and status as they are now.
    public var snapshot: EngineSnapshot { state.withLock { $0 } }

    /// Data older than this is stale even when no refresh failed (nothing keeps it current).
    public var staleAfter: Duration {
        followsChanges ? settings.eventsPoll * 3 + entry.timeout : fullRefreshInterval + entry.timeout
    }

    /// Time between full reads: `full_refresh` for an engine that reports changes; for one that
    /// does not, full reads are all that keeps it current, so they come more often unless the
    /// configuration sets the interval.
    public var fullRefreshInterval: Duration {
        followsChanges ? settings.fullRefresh : settings.fullRefreshWithoutChangeFeed
    }

    // MARK: Probes

    /// Logs in and reads the engine's product and version, or answers what a probe made less
    /// than ``RefreshSettings/probeCache`` ago (shared by every caller, failures included).
    /// - Returns: The outcome, how long the probe took, and its age when it came from memory.
    public func probe() async -> (outcome: Result<EngineProbe, BackendError>, duration: Duration, age: Duration?) {
        await probes.value { [entry] in
            await EngineCall(engine: entry.backend.name, operation: "probe", timeout: entry.timeout).run {
                try await entry.backend.probe()
            }
        }
    }

    // MARK: Writes

    /// What a request's `?refresh=true` did for this engine.
    public enum RequestedRefresh: String, Sendable {
        /// A full read was made (or joined) for it.
        case read
        /// A request made a full read less than ``RefreshSettings/refreshMinInterval`` ago; the
        /// answer comes from that read.
        case recent
    }

    /// A full read for a request (`?refresh=true`): at most one per
    /// ``RefreshSettings/refreshMinInterval``, so clients polling with `refresh=true` cannot
    /// drive engine logins and full reads at their request rate. Inside the interval a read
    /// still under way is joined; otherwise the request is answered from the last one.
    public func requestedRefresh() async -> RequestedRefresh {
        let now = ContinuousClock.now
        let allowed = lastRequestedRead.withLock { last -> Bool in
            if let last, now - last < settings.refreshMinInterval { return false }
            last = now
            return true
        }
        if allowed {
            await fullRead(notBefore: now)
            return .read
        }
        if let pending = pendingRead.withLock({ $0 }) {
            _ = await pending.value
            return .read
        }
        return .recent
    }

    /// Reads the engine in full unless a full read that started at or after `notBefore` already
    /// ended. A full read asked for while another is pending or under way joins it instead of
    /// queueing one more (concurrent `?refresh=true` listings share one read per engine).
    /// - Returns: The error of the read, nil when the model is current.
    @discardableResult
    public func fullRead(notBefore: ContinuousClock.Instant? = nil) async -> BackendError? {
        let task = pendingRead.withLock { pending -> Task<BackendError?, Never> in
            if let pending { return pending }
            let task = Task {
                let result = await self.serialized {
                    if let notBefore, let started = self.snapshot.lastFullReadStart, started >= notBefore,
                       self.snapshot.tried
                    {
                        return self.snapshot.lastError
                    }
                    return await self.fullReadHoldingWriter()
                }
                self.pendingRead.withLock { $0 = nil }
                return result
            }
            pending = task
            return task
        }
        // A waiter that is cancelled (the server shutting down) stops the read rather than
        // waiting out the engine's timeout.
        return await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Reads the engine in full if it was never tried (a listing before the refresh service got to it).
    public func ensureTried() async {
        guard !snapshot.tried else { return }
        await serialized {
            guard !self.snapshot.tried else { return }
            _ = await self.fullReadHoldingWriter()
        }
    }

    /// Asks the engine what changed since the last poll and re-reads exactly that; a stream
    /// that cannot say what changed leads to a full read.
    @discardableResult
    public func pollChanges() async -> BackendError? {
        await serialized { await self.pollChangesHoldingWriter() }
    }

    /// Re-reads `objects` now (after a create through this server), without moving the change cursor.
    @discardableResult
    public func refresh(_ objects: [InventoryObject]) async -> BackendError? {
        await serialized { await self.reread(objects) }
    }

    // MARK: Internals (called holding the writer permit)

    func pollChangesHoldingWriter() async -> BackendError? {
        guard let feed = backend as? any ChangeFeedBackend, let since = cursor.withLock({ $0 }) else {
            return await fullReadHoldingWriter()
        }
        let result = await EngineCall(engine: name, operation: "changes", timeout: entry.timeout).run {
            try await feed.changes(since: since)
        }
        switch result {
        case .failure(let error):
            recordFailure(error, during: "change poll")
            return error
        case .success(.resync(let reason)):
            logger.info("Change stream lost its place, reading the engine in full", metadata: ["reason": "\(reason)"])
            return await fullReadHoldingWriter()
        case .success(.changes(let objects, let next)):
            if let error = await reread(objects) {
                recordFailure(error, during: "targeted re-read")
                return error
            }
            cursor.withLock { $0 = next }
            let now = ContinuousClock.now
            state.withLock {
                $0.syncedAt = now
                $0.lastError = nil
            }
            if !objects.isEmpty {
                logger.debug("Applied engine changes", metadata: ["object.count": "\(objects.count)"])
            }
            return nil
        }
    }

    func serialized<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await writer.acquire("write")
        let result = await body()
        writer.release("write")
        return result
    }

    func fullReadHoldingWriter() async -> BackendError? {
        let start = ContinuousClock.now
        defer { MemoryRelease.returnFreedMemory() }
        let feed = backend as? any ChangeFeedBackend
        let outcome = await EngineCall(engine: name, operation: "read_inventory", timeout: entry.timeout).run { [backend] in
            let cursor = try await feed?.changeCursor()
            return (cursor, try await backend.readInventory())
        }
        let duration = ContinuousClock.now - start
        switch outcome {
        case .success(let (newCursor, readout)):
            var next = snapshot
            next.vms = RecordTable(readout.vms)
            next.hosts = RecordTable(readout.hosts)
            next.clusters = RecordTable(readout.clusters)
            next.loaded = true
            next.tried = true
            next.syncedAt = start
            next.lastFullReadStart = start
            next.lastSuccessfulFullRead = start
            next.lastFullReadDuration = duration
            next.lastError = nil
            state.withLock { $0 = next }
            cursor.withLock { $0 = newCursor }
            logger.info("Read the engine in full", metadata: [
                "vm.count": "\(readout.vms.count)", "host.count": "\(readout.hosts.count)",
                "cluster.count": "\(readout.clusters.count)", "duration.ms": "\(duration.milliseconds)",
            ])
            return nil
        case .failure(let error):
            state.withLock {
                $0.tried = true
                $0.lastFullReadStart = start
                $0.lastFullReadDuration = duration
            }
            recordFailure(error, during: "full read")
            return error
        }
    }

    /// Re-reads each object (a few at a time) and applies what the engine says; returns the
    /// first failure after applying every read that succeeded.
    func reread(_ objects: [InventoryObject]) async -> BackendError? {
        guard !objects.isEmpty else { return nil }
        let unique = Array(Set(objects))
        let backend = self.backend
        let limit = max(1, settings.targetedReadsInFlight)
        let timeout = entry.timeout
        let engine = name
        let results = await withTaskGroup(of: (InventoryObject, Result<ObjectState, BackendError>).self) { group in
            var pending = unique.makeIterator()
            func add(_ object: InventoryObject) {
                group.addTask {
                    (object, await EngineCall(engine: engine, operation: "read_object", timeout: timeout).run {
                        try await ObjectState.read(object, from: backend)
                    })
                }
            }
            for _ in 0..<limit { if let object = pending.next() { add(object) } }
            var results: [(InventoryObject, Result<ObjectState, BackendError>)] = []
            for await result in group {
                results.append(result)
                if let object = pending.next() { add(object) }
            }
            return results
        }
        var next = snapshot
        var firstError: BackendError?
        for (object, result) in results {
            switch result {
            case .success(let found): found.apply(object, to: &next)
            case .failure(let error): firstError = firstError ?? error
            }
        }
        state.withLock {
            $0.vms = next.vms
            $0.hosts = next.hosts
            $0.clusters = next.clusters
        }
        watchGuestAddresses(of: results.compactMap { _, result in
            if case .success(.vm(let vm?)) = result { return vm }
            return nil
        })
        return firstError
    }

    func recordFailure(_ error: BackendError, during operation: String) {
        state.withLock { $0.lastError = error }
        logger.warning("Engine refresh failed, keeping the last good data", metadata: [
            "refresh.operation": "\(operation)", "error.code": "\(error.code)", "error.message": "\(error.message)",
        ])
    }
}

/// What a targeted re-read found.
private enum ObjectState: Sendable {
    case vm(VM?)
    case host(Hypervisor?)
    case cluster(Cluster?)

    static func read(_ object: InventoryObject, from backend: any VirtualizationBackend) async throws -> ObjectState {
        switch object {
        case .vm(let id): .vm(try await backend.vm(id: id))
        case .host(let id): .host(try await backend.host(id: id))
        case .cluster(let id): .cluster(try await backend.cluster(id: id))
        }
    }

    func apply(_ object: InventoryObject, to snapshot: inout EngineSnapshot) {
        switch (self, object) {
        case (.vm(let vm?), _): snapshot.vms.upsert(vm)
        case (.vm(nil), .vm(let id)): snapshot.vms.remove(id: id)
        case (.host(let host?), _): snapshot.hosts.upsert(host)
        case (.host(nil), .host(let id)): snapshot.hosts.remove(id: id)
        case (.cluster(let cluster?), _): snapshot.clusters.upsert(cluster)
        case (.cluster(nil), .cluster(let id)): snapshot.clusters.remove(id: id)
        default: break
        }
    }
}
