import AggregatorCore

/// `GET /ready`: 200 once the server can answer from every engine's data, 503 until then.
///
/// The process reaches the listener only after the configuration was loaded and the job store
/// opened; it is ready once every engine has been tried once (read in full, or failed trying),
/// so a load balancer does not send listings to a replica that would still say "loading".
/// An engine that is down does not make the server unready.
///
/// It needs no token (load balancers call it), so it says only ready or not, each engine's
/// `ok`/`stale` and the counts: never an engine's error, address or user name, which
/// `GET /api/v1/backends` shows to readers.
struct ReadyBody: Encodable {
    struct Engine: Encodable {
        var name: String
        var kind: String
        /// A full read was attempted.
        var tried: Bool
        /// The last refresh succeeded.
        var ok: Bool
        var stale: Bool
        /// Age of the data in milliseconds; absent before the first successful read.
        var ageMs: Int64?
    }

    /// How many engines there are, answer and are stale.
    struct Counts: Encodable {
        var engines: Int
        var ok: Int
        var stale: Int
    }

    /// The job database: its kind, and whether it answered last time it was used. Unreachable does
    /// not make the server unready: listings answer from memory, and creates answer
    /// `503 database_unavailable` until it is back.
    struct Database: Encodable {
        var kind: String
        var reachable: Bool
    }

    var status: String
    var jobStore: String
    var database: Database?
    var engines: [Engine]
    var counts: Counts

    var ready: Bool { status == "ready" }

    init(_ model: InventoryModel, jobStore health: JobStoreHealth?) {
        let now = ContinuousClock.now
        engines = model.engines.map { engine in
            let snapshot = engine.snapshot
            let age = snapshot.syncedAt.map { now - $0 }
            return Engine(name: engine.name, kind: engine.entry.backend.kind.rawValue, tried: snapshot.tried,
                          ok: snapshot.tried && snapshot.lastError == nil && snapshot.loaded,
                          stale: !snapshot.loaded || age.map { $0 > engine.staleAfter } ?? true,
                          ageMs: age?.milliseconds)
        }
        counts = Counts(engines: engines.count, ok: engines.filter(\.ok).count, stale: engines.filter(\.stale).count)
        jobStore = health == nil ? "none" : "open"
        database = health.map { Database(kind: $0.kind, reachable: $0.reachable) }
        status = engines.allSatisfy(\.tried) ? "ready" : "starting"
    }
}
