import Foundation
import AggregatorCore
import Hummingbird

/// Filters of the `/api/v1` listings, from the query string.
///
/// `engine` may repeat or hold a comma-separated list; `cluster` and `status` match exactly
/// (case-insensitive); `name` is a case-insensitive substring.
struct InventoryFilter: Sendable {
    var engines: Set<String>?
    var cluster: String?
    var status: String?
    var name: String?
    /// Ask the engines even when a cached answer is fresh.
    var refresh = false

    static let knownParameters: Set<String> = ["engine", "cluster", "status", "name", "refresh"]

    init(request: Request, knownEngines: [String]) throws {
        let query = request.uri.queryParameters
        for (key, _) in query where !Self.knownParameters.contains(String(key)) {
            throw APIError(.badRequest, code: "unknown_parameter", message: "unknown query parameter '\(key)'",
                           fix: "use any of: \(Self.knownParameters.sorted().joined(separator: ", "))")
        }
        let requested = query.getAll("engine").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !requested.isEmpty {
            let unknown = requested.filter { !knownEngines.contains($0) }
            if !unknown.isEmpty {
                throw APIError(.badRequest, code: "unknown_engine",
                               message: "unknown engine \(unknown.map { "'\($0)'" }.joined(separator: ", "))",
                               fix: "configured engines: \(knownEngines.joined(separator: ", "))")
            }
            engines = Set(requested)
        }
        cluster = query["cluster"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        status = query["status"].map(String.init).flatMap { $0.isEmpty ? nil : $0.lowercased() }
        name = query["name"].map(String.init).flatMap { $0.isEmpty ? nil : $0.lowercased() }
        refresh = Self.isTrue(query["refresh"].map(String.init))
    }

    /// `true`, `1` or `yes`.
    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["true", "1", "yes"].contains(value.lowercased())
    }

    func matches(name itemName: String, cluster itemCluster: String?, status itemStatus: String) -> Bool {
        if let cluster, itemCluster?.lowercased() != cluster.lowercased() { return false }
        if let status, itemStatus.lowercased() != status { return false }
        if let name, !itemName.lowercased().contains(name) { return false }
        return true
    }
}
