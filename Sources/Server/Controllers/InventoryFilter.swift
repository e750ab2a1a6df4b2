import Foundation
import AggregatorCore
import Hummingbird

/// Filters and paging of the `/api/v1` listings, from the query string.
///
/// `engine` may repeat or hold a comma-separated list; `name` is a case-insensitive substring;
/// `name_exact`, `cluster`, `host`, `status` and `ip` match exactly (case-insensitive), through
/// the live model's indexes. `limit` and `cursor` page the answer.
struct InventoryFilter: Sendable {
    /// The parameters one listing accepts beyond the common ones.
    struct Fields: Sendable {
        var exact: [String: IndexedField]
        static let vms = Fields(exact: ["name_exact": .name, "cluster": .cluster, "host": .host,
                                        "status": .status, "ip": .ip])
        static let hosts = Fields(exact: ["name_exact": .name, "cluster": .cluster, "status": .status])
        static let clusters = Fields(exact: ["name_exact": .name, "cluster": .cluster])
    }

    /// Largest page a client may ask for.
    static let maxLimit = 100_000
    static let commonParameters: Set<String> = ["engine", "name", "refresh", "limit", "cursor"]

    var query = InventoryQuery()
    /// Read the engines in full before answering.
    var refresh = false
    var engines: Set<String>? { query.engines }

    init(request: Request, knownEngines: [String], fields: Fields) throws {
        try self.init(parameters: request.uri.queryParameters.map { (String($0.key), String($0.value)) },
                      knownEngines: knownEngines, fields: fields)
    }

    /// The filter `parameters` (name, value; a name may repeat) describe: the query string of a
    /// listing, or the `query` object of a bulk operation.
    /// - Parameter source: How the caller calls them in messages (`query parameter`, `query field`).
    init(parameters: [(String, String)], knownEngines: [String], fields: Fields,
         source: String = "query parameter") throws {
        let known = Self.commonParameters.union(fields.exact.keys)
        for (key, _) in parameters where !known.contains(key) {
            throw APIError(.badRequest, code: "unknown_parameter", message: "unknown \(source) '\(key)'",
                           fix: "use any of: \(known.sorted().joined(separator: ", "))")
        }
        let requested = parameters.filter { $0.0 == "engine" }.flatMap { $0.1.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !requested.isEmpty {
            let unknown = requested.filter { !knownEngines.contains($0) }
            if !unknown.isEmpty {
                throw APIError(.badRequest, code: "unknown_engine",
                               message: "unknown engine \(unknown.map { "'\($0)'" }.joined(separator: ", "))",
                               fix: "configured engines: \(knownEngines.joined(separator: ", "))")
            }
            query.engines = Set(requested)
        }
        func value(_ name: String) -> String? {
            parameters.first { $0.0 == name }.map(\.1).flatMap { $0.isEmpty ? nil : $0 }
        }
        query.nameContains = value("name")
        for (parameter, field) in fields.exact {
            if let text = value(parameter) { query.exact[field] = text }
        }
        if let text = value("limit") {
            guard let limit = Int(text), (1...Self.maxLimit).contains(limit) else {
                throw APIError(.badRequest, code: "bad_limit", message: "limit must be a number from 1 to \(Self.maxLimit), found '\(text)'",
                               fix: "pass limit=500, then the answer's next_cursor as cursor=")
            }
            query.limit = limit
        }
        if let text = value("cursor") {
            guard let cursor = PageCursor(token: text) else {
                throw APIError(.badRequest, code: "bad_cursor", message: "cursor is not one this server gave out",
                               fix: "pass the next_cursor of the previous page unchanged, or drop cursor to start over")
            }
            if !knownEngines.contains(cursor.engine) || !(query.engines?.contains(cursor.engine) ?? true) {
                throw APIError(.badRequest, code: "bad_cursor", message: "cursor belongs to engine '\(cursor.engine)', which this query does not select",
                               fix: "keep the other parameters of the first page when passing its cursor")
            }
            query.after = cursor
        }
        if let text = value("refresh") {
            guard let flag = Self.flag(text) else {
                throw APIError(.badRequest, code: "bad_parameter", message: "refresh must be true or false, found '\(text)'",
                               fix: "use refresh=true to read the engines now")
            }
            refresh = flag
        }
    }

    /// `true`/`1`/`yes` or `false`/`0`/`no`; nil for anything else.
    static func flag(_ value: String) -> Bool? {
        switch value.lowercased() {
        case "true", "1", "yes": true
        case "false", "0", "no": false
        default: nil
        }
    }

    /// `true`, `1` or `yes`.
    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["true", "1", "yes"].contains(value.lowercased())
    }
}
