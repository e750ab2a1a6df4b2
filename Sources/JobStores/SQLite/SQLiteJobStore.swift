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

    /// An SQLite file always answers.
    public var health: JobStoreHealth { JobStoreHealth(kind: "sqlite", reachable: true) }

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
            throw NewerDatabaseError(database: path, unknownMigrations: unknown)
        }
        try migrator.migrate(database)
        previousMigration = completed.last
        appliedMigrations = migrator.migrations.filter { !completed.contains($0) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for step in JobSchemaStep.allCases {
            migrator.registerMigration(step.rawValue) { db in try apply(step, db) }
        }
        return migrator
    }

    /// How this store applies each of the shared schema steps.
    private static func apply(_ step: JobSchemaStep, _ db: Database) throws {
        switch step {
        case .jobs:
            try db.create(table: "job") { table in
                table.primaryKey("id", .text)
                table.column("idempotency_key", .text).notNull().indexed()
                table.column("state", .text).notNull().indexed()
                table.column("engine", .text).notNull().indexed()
                table.column("document_num", .text).notNull().indexed()
                table.column("created_at", .double).notNull().indexed()
                table.column("body", .text).notNull()
            }
        case .audit:
            try createAuditTable(db)
        case .leases:
            // One process writes an SQLite file, so it holds every job; the columns keep the
            // schema the same as PostgreSQL's for `aggregator db copy`, and stay empty here.
            try db.alter(table: "job") { table in
                table.add(column: "lease_owner", .text)
                table.add(column: "lease_until", .double)
            }
        case .vmSubject:
            try db.alter(table: "job") { table in table.add(column: "vm_id", .text) }
            try db.create(index: "job_on_vm_id", on: "job", columns: ["vm_id"])
            // Jobs stored before the column: the VM their create made, from their result.
            for row in try Row.fetchAll(db, sql: "SELECT id, body FROM job") {
                let body: String = row["body"]
                if let vmID = try? decode(body).result?.engineIDs["vm_id"] {
                    try db.execute(sql: "UPDATE job SET vm_id = ? WHERE id = ?", arguments: [vmID, row["id"] as String])
                }
            }
        }
    }

    static let activeStates = [JobState.queued, .running, .succeeded].map(\.rawValue)

    static func encode(_ job: Job) throws -> String { try JobRecordCoding.encode(job) }

    static func decode(_ body: String) throws -> Job { try JobRecordCoding.decode(Job.self, from: body) }

    private static func write(_ job: Job, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO job (id, idempotency_key, state, engine, document_num, created_at, body, vm_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET state = excluded.state, body = excluded.body, vm_id = excluded.vm_id
                """,
            arguments: [job.id, job.idempotencyKey, job.state.rawValue, job.engine, job.documentNum,
                        job.createdAt.timeIntervalSince1970, try encode(job), job.vmID])
    }

    static func active(_ key: String, _ db: Database) throws -> Job? {
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
        if let vmID = filter.vmID {
            conditions.append("vm_id = ?")
            arguments += [vmID]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT body FROM job \(whereClause) ORDER BY created_at DESC, id LIMIT ?"
        arguments += [max(1, filter.limit)]
        let statementArguments = arguments
        return try await database.read { db in
            try String.fetchAll(db, sql: sql, arguments: statementArguments).map(Self.decode)
        }
    }

    /// Marks every queued or running job interrupted: at start, since one process writes the file,
    /// whatever the previous process left unfinished stopped with it.
    /// - Returns: How many jobs were marked.
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
