import AggregatorCore
import Foundation
import GRDB

/// The whole database read out and written in by id, for `aggregator db copy`.
extension SQLiteJobStore: JobArchive {
    public func jobs(after id: String?, limit: Int) async throws -> [Job] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM job WHERE id > ? ORDER BY id LIMIT ?",
                                arguments: [id ?? "", max(1, limit)]).map(Self.decode)
        }
    }

    public func auditEntries(after id: String?, limit: Int) async throws -> [AuditEntry] {
        let bodies = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM audit WHERE id > ? ORDER BY id LIMIT ?",
                                arguments: [id ?? "", max(1, limit)])
        }
        return try bodies.map(Self.decodeAudit)
    }

    /// A job whose idempotency key another active job holds in this file is not written: one
    /// active job per key, as PostgreSQL's unique index keeps it.
    public func importJobs(_ jobs: [Job]) async throws -> Int {
        let rows = try jobs.map { ($0, try Self.encode($0)) }
        return try await database.write { db in
            var added = 0
            for (job, body) in rows {
                if Self.activeStates.contains(job.state.rawValue),
                   let holder = try Self.active(job.idempotencyKey, db), holder.id != job.id {
                    continue
                }
                try db.execute(
                    sql: """
                        INSERT INTO job (id, idempotency_key, state, engine, document_num, created_at, body, vm_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING
                        """,
                    arguments: [job.id, job.idempotencyKey, job.state.rawValue, job.engine, job.documentNum,
                                job.createdAt.timeIntervalSince1970, body, job.vmID])
                added += db.changesCount
            }
            return added
        }
    }

    public func importAuditEntries(_ entries: [AuditEntry]) async throws -> Int {
        let rows = try entries.map { ($0, try Self.encodeAudit($0)) }
        return try await database.write { db in
            var added = 0
            for (entry, body) in rows {
                try db.execute(
                    sql: "INSERT INTO audit (id, time, outcome, who, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                    arguments: [entry.id, entry.time.timeIntervalSince1970, entry.outcome.rawValue, entry.who, body])
                added += db.changesCount
            }
            return added
        }
    }

    public func existingJobIDs(_ ids: [String]) async throws -> Set<String> {
        try await existing(ids, table: "job")
    }

    public func existingAuditIDs(_ ids: [String]) async throws -> Set<String> {
        try await existing(ids, table: "audit")
    }

    private func existing(_ ids: [String], table: String) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let placeholders = ids.map { _ in "?" }.joined(separator: ",")
        return try await database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT id FROM \(table) WHERE id IN (\(placeholders))",
                                    arguments: StatementArguments(ids) ?? []))
        }
    }

    public func counts() async throws -> (jobs: Int, audit: Int) {
        try await database.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM job") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0)
        }
    }
}
