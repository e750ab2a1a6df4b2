import AggregatorCore
import Foundation
import GRDB

/// The audit trail in the job database: one row per entry in table `audit` (added by the
/// forward migration `v2 audit`), indexed by time and outcome, the whole entry as JSON.
extension SQLiteJobStore: AuditLog {
    static func createAuditTable(_ db: Database) throws {
        try db.create(table: "audit") { table in
            table.primaryKey("id", .text)
            table.column("time", .double).notNull().indexed()
            table.column("outcome", .text).notNull().indexed()
            table.column("who", .text).notNull()
            table.column("body", .text).notNull()
        }
    }

    public func record(_ entry: AuditEntry) async throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        let body = String(decoding: try encoder.encode(entry), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO audit (id, time, outcome, who, body) VALUES (?, ?, ?, ?, ?)",
                arguments: [entry.id, entry.time.timeIntervalSince1970, entry.outcome.rawValue, entry.who, body])
        }
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
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try bodies.map { try decoder.decode(AuditEntry.self, from: Data($0.utf8)) }
    }
}
