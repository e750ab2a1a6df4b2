import AggregatorCore
import Foundation
import PostgresNIO

/// The whole database read out and written in by id, for `aggregator db copy`.
extension PostgresJobStore {
    public func jobs(after id: String?, limit: Int) async throws -> [Job] {
        let after = id ?? ""
        return try await access("read jobs") { client in
            try await Self.decodeJobs(client.query("SELECT body FROM job WHERE id > \(after) ORDER BY id LIMIT \(max(1, limit))"))
        }
    }

    public func auditEntries(after id: String?, limit: Int) async throws -> [AuditEntry] {
        let after = id ?? ""
        return try await access("read audit") { client in
            var entries: [AuditEntry] = []
            for try await body in try await client.query(
                "SELECT body FROM audit WHERE id > \(after) ORDER BY id LIMIT \(max(1, limit))").decode(String.self) {
                entries.append(try JobRecordCoding.decode(AuditEntry.self, from: body))
            }
            return entries
        }
    }

    /// Jobs are written without a lease: a copied job that is still queued or running (the old
    /// install stopped mid-job) is claimed by the first replica and resumed.
    public func importJobs(_ jobs: [Job]) async throws -> Int {
        let rows = try jobs.map { ($0, try JobRecordCoding.encode($0)) }
        return try await access("copy jobs") { client in
            var added = 0
            for (job, body) in rows {
                for try await _ in try await client.query("""
                    INSERT INTO job (id, idempotency_key, state, engine, document_num, created_at, body, vm_id)
                    VALUES (\(job.id), \(job.idempotencyKey), \(job.state.rawValue), \(job.engine), \(job.documentNum),
                            \(job.createdAt.timeIntervalSince1970), \(body), \(job.vmID))
                    ON CONFLICT DO NOTHING RETURNING id
                    """).decode(String.self) {
                    added += 1
                }
            }
            return added
        }
    }

    public func importAuditEntries(_ entries: [AuditEntry]) async throws -> Int {
        let rows = try entries.map { ($0, try JobRecordCoding.encode($0)) }
        return try await access("copy audit") { client in
            var added = 0
            for (entry, body) in rows {
                for try await _ in try await client.query("""
                    INSERT INTO audit (id, time, outcome, who, body)
                    VALUES (\(entry.id), \(entry.time.timeIntervalSince1970), \(entry.outcome.rawValue), \(entry.who), \(body))
                    ON CONFLICT (id) DO NOTHING RETURNING seq
                    """).decode(Int64.self) {
                    added += 1
                }
            }
            return added
        }
    }

    public func existingJobIDs(_ ids: [String]) async throws -> Set<String> {
        try await existing(ids, in: "job")
    }

    public func existingAuditIDs(_ ids: [String]) async throws -> Set<String> {
        try await existing(ids, in: "audit")
    }

    /// Which of `ids` `table` (`job` or `audit`, never a caller's text) holds.
    private func existing(_ ids: [String], in table: String) async throws -> Set<String> {
        try await access("read \(table)") { client in
            var found: Set<String> = []
            let query: PostgresQuery = "SELECT id FROM \(unescaped: table) WHERE id = ANY(\(ids))"
            for try await id in try await client.query(query).decode(String.self) {
                found.insert(id)
            }
            return found
        }
    }

    public func counts() async throws -> (jobs: Int, audit: Int) {
        try await access("count") { client in
            var result = (jobs: 0, audit: 0)
            for try await (jobs, audit) in try await client.query(
                "SELECT (SELECT count(*) FROM job), (SELECT count(*) FROM audit)").decode((Int64, Int64).self) {
                result = (Int(jobs), Int(audit))
            }
            return result
        }
    }
}
