import AggregatorCore
import Foundation
import GRDB

/// Jobs in an SQLite database file (system libsqlite3 through GRDB), so history survives restarts.
///
/// Each job is one row: indexed columns for lookups and filters, and the whole job as JSON.
/// GRDB runs every access on its own serial queue, so callers never block Swift's cooperative
/// thread pool.
public final class SQLiteJobStore: JobStore {
    let database: DatabaseQueue

    /// Opens (creating when needed) the database at `path`; its directory is created too.
    /// The file is readable by this user alone (0600, a new directory 0700).
    /// The schema steps this open applied (empty when the file was current), oldest first, for
    /// the log: an upgrade says how it moved the database forward.
    public let appliedMigrations: [String]
    /// The schema step the database was at before this open (nil for a new file).
    public let previousMigration: String?

    /// Every schema step this version knows, oldest first.
    public static var knownMigrations: [String] { migrator.migrations }

    /// Opens (creating when needed) the database at `path` and migrates it forward.
    /// - Throws: ``NewerDatabaseError`` when a newer version wrote schema steps this one does
    ///   not know (a rollback onto an upgraded file): it is not opened, so it is not damaged.
    public init(path: String) throws {
        try PrivateDatabaseFile.prepare(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabaseQueue(path: path, configuration: configuration)
        let migrator = Self.migrator
        let (completed, superseded) = try database.read { db in
            (try migrator.completedMigrations(db), try migrator.hasBeenSuperseded(db))
        }
        if superseded {
            let unknown = try database.read { db in try migrator.appliedIdentifiers(db) }
                .subtracting(migrator.migrations).sorted()
            throw NewerDatabaseError(path: path, unknownMigrations: unknown)
        }
        try migrator.migrate(database)
        previousMigration = completed.last
        appliedMigrations = migrator.migrations.filter { !completed.contains($0) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 jobs") { db in
            try db.create(table: "job") { table in
                table.primaryKey("id", .text)
                table.column("idempotency_key", .text).notNull().indexed()
                table.column("state", .text).notNull().indexed()
                table.column("engine", .text).notNull().indexed()
                table.column("document_num", .text).notNull().indexed()
                table.column("created_at", .double).notNull().indexed()
                table.column("body", .text).notNull()
            }
        }
        migrator.registerMigration("v2 audit") { db in try createAuditTable(db) }
        return migrator
    }

    private static let activeStates = [JobState.queued, .running, .succeeded].map(\.rawValue)

    private static func encode(_ job: Job) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try encoder.encode(job), as: UTF8.self)
    }

    private static func decode(_ body: String) throws -> Job {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(Job.self, from: Data(body.utf8))
    }

    private static func write(_ job: Job, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO job (id, idempotency_key, state, engine, document_num, created_at, body)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, body = excluded.body
                """,
            arguments: [job.id, job.idempotencyKey, job.state.rawValue, job.engine, job.documentNum,
                        job.createdAt.timeIntervalSince1970, try encode(job)])
    }

    private static func active(_ key: String, _ db: Database) throws -> Job? {
        let placeholders = activeStates.map { _ in "?" }.joined(separator: ",")
        let body = try String.fetchOne(
            db, sql: "SELECT body FROM job WHERE idempotency_key = ? AND state IN (\(placeholders)) "
                + "ORDER BY created_at DESC LIMIT 1",
            arguments: StatementArguments([key] + activeStates) ?? [])
        return try body.map(decode)
    }

    public func insertUnlessActive(_ job: Job) async throws -> (job: Job, inserted: Bool) {
        try await database.write { db in
            if let existing = try Self.active(job.idempotencyKey, db) { return (existing, false) }
            try Self.write(job, db)
            return (job, true)
        }
    }

    public func activeJob(idempotencyKey: String) async throws -> Job? {
        try await database.read { db in try Self.active(idempotencyKey, db) }
    }

    public func update(_ job: Job) async throws {
        try await database.write { db in try Self.write(job, db) }
    }

    public func job(id: String) async throws -> Job? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM job WHERE id = ?", arguments: [id]).map(Self.decode)
        }
    }

    public func jobs(matching filter: JobFilter) async throws -> [Job] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let state = filter.state {
            conditions.append("state = ?")
            arguments += [state.rawValue]
        }
        if let engine = filter.engine {
            conditions.append("engine = ?")
            arguments += [engine]
        }
        if let document = filter.documentNum {
            conditions.append("document_num = ?")
            arguments += [document]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT body FROM job \(whereClause) ORDER BY created_at DESC, id LIMIT ?"
        arguments += [max(1, filter.limit)]
        let statementArguments = arguments
        return try await database.read { db in
            try String.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.decode)
        }
    }

    public func markUnfinishedInterrupted() async throws -> Int {
        try await database.write { db in
            let bodies = try String.fetchAll(
                db, sql: "SELECT body FROM job WHERE state IN (?, ?)",
                arguments: [JobState.queued.rawValue, JobState.running.rawValue])
            let now = Date()
            for body in bodies {
                var job = try Self.decode(body)
                job.state = .interrupted
                job.finishedAt = now
                job.error = JobError(code: "interrupted",
                                     message: "the server stopped while the job was \(job.startedAt == nil ? "queued" : "running"); "
                                         + "its steps show how far it got")
                for index in job.steps.indices where job.steps[index].state == "running" {
                    job.steps[index].state = "interrupted"
                    job.steps[index].finishedAt = now
                }
                try Self.write(job, db)
            }
            return bodies.count
        }
    }
}

/// The job database was written by a newer version of the aggregator.
public struct NewerDatabaseError: Error, CustomStringConvertible {
    public var path: String
    /// Schema steps in the file that this version does not know.
    public var unknownMigrations: [String]

    public var description: String {
        "\(path) was migrated by a newer version (schema steps \(unknownMigrations.joined(separator: ", ")) are unknown "
            + "to this one); run the newer version, or restore the backup the install script made before the upgrade"
    }
}
