import AggregatorCore
import Foundation

/// The seed's JSON shape of a one-shot fan-out (`aggregator export`); the HTTP API writes the
/// same shape from the live model with ``ListingDocument``.
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
                (status.engine, try encoder.encode(ListingDocument.SeedError(status)))
            })
            members.append(("_errors", errors))
        }
        return try JSONBody.orderedObject(members)
    }
}
