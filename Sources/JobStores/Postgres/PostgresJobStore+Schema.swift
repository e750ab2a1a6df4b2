import AggregatorCore
import PostgresNIO

/// The schema: the shared steps of ``JobSchemaStep``, each as this store applies it, recorded in
/// `vmagg_schema`. Replicas starting together migrate once: the steps run in one transaction that
/// first takes an advisory lock, so the second replica waits and then finds nothing to do.
extension PostgresJobStore {
    /// What ``migrate()`` did.
    public struct Migration: Sendable {
        /// The last step the database had before (nil for an empty database).
        public var previous: String?
        /// The steps applied now, oldest first; empty when it was current.
        public var applied: [String]
    }

    /// The statements of `step` (each is sent on its own: PostgreSQL's extended protocol takes one
    /// statement at a time).
    static func statements(_ step: JobSchemaStep) -> [String] {
        switch step {
        case .jobs:
            return [
                """
                CREATE TABLE job (
                    id text PRIMARY KEY, idempotency_key text NOT NULL, state text NOT NULL, engine text NOT NULL,
                    document_num text NOT NULL, created_at double precision NOT NULL, body text NOT NULL)
                """,
                "CREATE INDEX job_idempotency_key ON job (idempotency_key)",
                "CREATE INDEX job_state ON job (state)",
                "CREATE INDEX job_engine ON job (engine)",
                "CREATE INDEX job_document_num ON job (document_num)",
                "CREATE INDEX job_created_at ON job (created_at DESC, id)",
            ]
        case .audit:
            return [
                """
                CREATE TABLE audit (
                    seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, time double precision NOT NULL,
                    outcome text NOT NULL, who text NOT NULL, body text NOT NULL)
                """,
                "CREATE INDEX audit_time ON audit (time DESC, seq DESC)",
                "CREATE INDEX audit_outcome ON audit (outcome, seq)",
            ]
        case .leases:
            return [
                "ALTER TABLE job ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz",
                """
                CREATE UNIQUE INDEX job_active_idempotency_key ON job (idempotency_key)
                WHERE state IN ('queued', 'running', 'succeeded')
                """,
                "CREATE INDEX job_lease ON job (lease_until) WHERE state IN ('queued', 'running')",
            ]
        case .vmSubject:
            return [
                "ALTER TABLE job ADD COLUMN vm_id text",
                "CREATE INDEX job_vm_id ON job (vm_id)",
            ]
        }
    }

    /// Brings the database to this version's schema, under the advisory lock. Called before
    /// ``run()``, on a connection of its own.
    /// - Parameter timeout: How long to wait for the database (and for another replica's migration).
    /// - Throws: ``NewerDatabaseError`` when a newer version recorded steps this one does not know
    ///   (nothing is changed); ``JobStoreUnavailable`` when the database does not answer in time;
    ///   the server's refusal (a wrong password, a missing grant) as ``PostgresQueryError``; the
    ///   connection's error as it is (``isTransient(_:)`` tells which are worth waiting out).
    @discardableResult
    public func migrate(timeout: Duration = .seconds(30)) async throws -> Migration {
        let configuration = connectionConfiguration
        let logger = self.logger
        return try await withThrowingTaskGroup(of: Migration.self) { group in
            group.addTask {
                let connection: PostgresConnection
                do {
                    connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
                } catch where !Self.isTransient(error) {
                    throw PostgresQueryError(operation: "connect", message: Self.reason(error), sqlState: nil)
                }
                do {
                    let migration = try await self.migrate(using: connection)
                    try? await connection.close()
                    return migration
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw JobStoreUnavailable(operation: "migrate the schema", reason: "no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            guard let migration = try await group.next() else { throw CancellationError() }
            return migration
        }
    }

    private func migrate(using connection: PostgresConnection) async throws -> Migration {
        let logger = self.logger
        let name = self.name
        do {
            return try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS vmagg_schema (step text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                    logger: logger)
                var done: [String] = []
                for try await step in try await connection.query("SELECT step FROM vmagg_schema ORDER BY step", logger: logger)
                    .decode(String.self) {
                    done.append(step)
                }
                let unknown = Set(done).subtracting(JobSchemaStep.names).sorted()
                if !unknown.isEmpty { throw NewerDatabaseError(database: name, unknownMigrations: unknown) }
                let missing = JobSchemaStep.allCases.filter { !done.contains($0.rawValue) }
                for step in missing {
                    for statement in Self.statements(step) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO vmagg_schema (step) VALUES (\(step.rawValue))", logger: logger)
                }
                let previous = JobSchemaStep.names.last { done.contains($0) }
                return Migration(previous: previous, applied: missing.map(\.rawValue))
            }
        } catch let error as PostgresTransactionError {
            if let refusal = error.closureError as? NewerDatabaseError { throw refusal }
            let cause = error.closureError ?? error.beginError ?? error.commitError ?? error
            if Self.isTransient(cause) {
                throw JobStoreUnavailable(operation: "migrate the schema", reason: Self.reason(cause))
            }
            throw PostgresQueryError(operation: "migrate the schema", message: Self.reason(cause), sqlState: nil)
        }
    }
}
