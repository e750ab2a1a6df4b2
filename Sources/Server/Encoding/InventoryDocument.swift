import AggregatorCore
import Foundation

/// The two JSON shapes of an inventory listing, shared by the HTTP API and `aggregator export`.
public enum InventoryDocument {
    /// The shape of the tool this replaces: an object keyed by engine name, each a list of
    /// items, in configuration order. Engines that failed map to an empty list and are
    /// described under `_errors` (a key no engine can have: names start with a letter or digit).
    ///
    /// ```json
    /// {"e15-test": [{...}], "e15": [], "_errors": {"e15": {"error": "connection_refused", "message": "..."}}}
    /// ```
    public static func seedShape<Item: Encodable & Sendable>(_ result: FanOutResult<Item>) throws -> Data {
        let encoder = JSONBody.makeEncoder()
        var members: [(key: String, rawValue: Data)] = []
        for engine in result.engines {
            members.append((engine.engine, try encoder.encode(engine.items)))
        }
        let failures = result.failures
        if !failures.isEmpty {
            let errors = try JSONBody.orderedObject(try failures.map { status in
                (status.engine, try encoder.encode(SeedError(status)))
            })
            members.append(("_errors", errors))
        }
        return try JSONBody.orderedObject(members)
    }

    /// The backend-agnostic shape: one flat list whose items carry `engine`, plus a status per engine.
    public static func flat<Item: Encodable & Sendable>(_ items: [Item], statuses: [EngineStatus]) throws -> Data {
        try JSONBody.encode(FlatListing(items: items, count: items.count,
                                        complete: statuses.allSatisfy(\.ok),
                                        engines: statuses))
    }

    struct SeedError: Encodable {
        var error: String?
        var message: String?
        var httpStatus: Int?
        init(_ status: EngineStatus) {
            error = status.error
            message = status.message
            httpStatus = status.httpStatus
        }
    }

    struct FlatListing<Item: Encodable>: Encodable {
        var items: [Item]
        var count: Int
        var complete: Bool
        var engines: [EngineStatusBody]
    }
}
