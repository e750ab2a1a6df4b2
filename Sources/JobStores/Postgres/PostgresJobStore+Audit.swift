import AggregatorCore
import Foundation
import PostgresNIO

/// The audit trail in table `audit`, shared by every replica. As in the SQLite store, only the
/// newest ``deniedAuditCapacity`` refused requests are kept (checked every 1000th entry).
extension PostgresJobStore: AuditLog {
    /// How many `denied` entries are kept, newest first.
    static let deniedAuditCapacity = 100_000

    public func record(_ entry: AuditEntry) async throws {
        let body = try JobRecordCoding.encode(entry)
        let denied = AuditOutcome.denied.rawValue
        try await access("record audit entry") { client in
            var sequence: Int64?
            for try await seq in try await client.query("""
                INSERT INTO audit (id, time, outcome, who, body)
                VALUES (\(entry.id), \(entry.time.timeIntervalSince1970), \(entry.outcome.rawValue), \(entry.who), \(body))
                ON CONFLICT (id) DO NOTHING RETURNING seq
                """).decode(Int64.self) {
                sequence = seq
            }
            if let sequence, sequence % 1000 == 0 {
                _ = try await client.query("""
                    DELETE FROM audit WHERE outcome = \(denied) AND seq < (
                        SELECT seq FROM audit WHERE outcome = \(denied) ORDER BY seq DESC
                        LIMIT 1 OFFSET \(Self.deniedAuditCapacity - 1))
                    """)
            }
        }
    }

    public func auditEntries(matching filter: AuditFilter) async throws -> [AuditEntry] {
        let outcome = filter.outcome?.rawValue
        let limit = max(1, filter.limit)
        return try await access("read audit") { client in
            var entries: [AuditEntry] = []
            for try await body in try await client.query("""
                SELECT body FROM audit WHERE (\(outcome)::text IS NULL OR outcome = \(outcome))
                ORDER BY time DESC, seq DESC LIMIT \(limit)
                """).decode(String.self) {
                entries.append(try JobRecordCoding.decode(AuditEntry.self, from: body))
            }
            return entries
        }
    }
}
