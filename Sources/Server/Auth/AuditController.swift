import AggregatorCore
import Hummingbird

/// `GET /api/v1/audit?outcome=denied&limit=50`: the audit trail, newest first (admin only,
/// see ``RoutePolicy``).
struct AuditController: Sendable {
    let log: any AuditLog

    func addRoutes(to group: RouterGroup<some RequestContext>) {
        group.get("audit") { request, _ in
            let query = request.uri.queryParameters
            let known: Set<String> = ["outcome", "limit"]
            for (key, _) in query where !known.contains(String(key)) {
                throw APIError(.badRequest, code: "unknown_parameter", message: "unknown query parameter '\(key)'",
                               fix: "use any of: limit, outcome")
            }
            var filter = AuditFilter()
            if let outcome = query["outcome"].map(String.init) {
                guard let known = AuditOutcome.all.first(where: { $0.rawValue == outcome }) else {
                    throw APIError(.badRequest, code: "bad_filter", message: "unknown outcome '\(outcome)'",
                                   fix: "one of: \(AuditOutcome.all.map(\.rawValue).joined(separator: ", "))")
                }
                filter.outcome = known
            }
            if let limit = query["limit"].map(String.init) {
                guard let value = Int(limit), (1...1000).contains(value) else {
                    throw APIError(.badRequest, code: "bad_filter", message: "limit must be 1–1000, found '\(limit)'")
                }
                filter.limit = value
            }
            let entries = try await log.auditEntries(matching: filter)
            return try JSONBody.response(encoding: AuditBody(entries: entries, count: entries.count))
        }
    }

    struct AuditBody: Encodable {
        var entries: [AuditEntry]
        var count: Int
    }
}
