import AggregatorCore
import Foundation
import GRDB

/// The audit trail in the job database: one row per entry in table `audit` (added by the
/// forward migration `v2 audit`), indexed by time and outcome, the whole entry as JSON.
///
/// Refused requests are the one kind anyone can cause without a token, so only the newest
/// ``deniedAuditCapacity`` of them are kept (checked every 1000th entry); creates, dry runs and
/// rejected uploads are never pruned.
extension SQLiteJobStore: AuditLog {
    /// How many `denied` entries are kept, newest first: about 50 MB of them.
    static let deniedAuditCapacity = 100_000

    static func createAuditTable(_ db: Database) throws {
        try db.create(table: "audit") { table in
            table.primaryKey("id", .text)
            table.column("time", .double).notNull().indexed()
            table.column("outcome", .text).notNull().indexed()
            table.column("who", .text).notNull()
            table.column("body", .text).notNull()
        }
    }

    static func encodeAudit(_ entry: AuditEntry) throws -> String { try JobRecordCoding.encode(entry) }

    static func decodeAudit(_ body: String) throws -> AuditEntry { try JobRecordCoding.decode(AuditEntry.self, from: body) }

    public func record(_ entry: AuditEntry) async throws {
        let body = try Self.encodeAudit(entry)
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO audit (id, time, outcome, who, body) VALUES (?, ?, ?, ?, ?)",
                arguments: [entry.id, entry.time.timeIntervalSince1970, entry.outcome.rawValue, entry.who, body])
            if db.lastInsertedRowID % 1000 == 0 {
                try Self.pruneDenied(db, keeping: Self.deniedAuditCapacity)
            }
        }
    }

    /// Deletes all but the newest `keeping` denied entries.
    func pruneDeniedAudit(keeping: Int) async throws {
        try await database.write { db in try Self.pruneDenied(db, keeping: keeping) }
    }

    private static func pruneDenied(_ db: Database, keeping: Int) throws {
        try db.execute(
            sql: """
                DELETE FROM audit WHERE outcome = ? AND rowid < (
                    SELECT rowid FROM audit WHERE outcome = ? ORDER BY rowid DESC LIMIT 1 OFFSET ?)
                """,
            arguments: [AuditOutcome.denied.rawValue, AuditOutcome.denied.rawValue, max(0, keeping - 1)])
    }

    public func auditEntries(matching filter: AuditFilter) async throws -> [AuditEntry] {
        var sql = "SELECT body FROM audit"
        var arguments: StatementArguments = []
        if let outcome = filter.outcome {
            sql += " WHERE outcome = ?"
            arguments += [outcome.rawValue]
        }
        sql += " ORDER BY time DESC, rowid DESC LIMIT ?"
        arguments += [max(1, filter.limit)]
        let (query, statementArguments) = (sql, arguments)
        let bodies = try await database.read { db in
            try String.fetchAll(db, sql: query, arguments: statementArguments)
        }
        return try bodies.map(Self.decodeAudit)
    }
}
