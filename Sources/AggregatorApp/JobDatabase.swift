import AggregatorCore
import Logging
import NIOPosix
import PostgresJobStore
import SQLiteJobStore
import ServiceLifecycle

/// Opens the job database the configuration names and brings it to this version's schema.
enum JobDatabase {
    /// An open store, and the service that keeps it connected when it has one.
    struct Opened: Sendable {
        var store: any JobStore
        /// PostgreSQL's pool and announcement listener; nil for an SQLite file.
        var service: (any Service)?
    }

    /// Opens the database at `location`: the SQLite file (created and migrated; the jobs an
    /// earlier process left queued or running are marked interrupted), or the PostgreSQL
    /// database (migrated under an advisory lock; unfinished jobs are left for the replicas'
    /// leases to resume).
    /// - Throws: ``ConfigurationFailure`` naming the database and the fix when it cannot be opened.
    static func open(_ location: DatabaseURL, settings: DatabaseSettings, logger: Logger) async throws -> Opened {
        switch location {
        case .sqlite(let path):
            return Opened(store: try await openSQLite(path, logger: logger), service: nil)
        case .postgresql(let server):
            let store = try await openPostgres(server, settings: settings, logger: logger)
            return Opened(store: store, service: store)
        }
    }

    /// Opens an SQLite file for tools (`aggregator db copy`): created and migrated, nothing marked.
    static func openSQLite(_ path: String, logger: Logger, markingInterrupted: Bool = true) async throws -> SQLiteJobStore {
        let store: SQLiteJobStore
        do {
            // Opening creates the directory and file and migrates: blocking I/O, so not on the cooperative pool.
            store = try await NIOThreadPool.singleton.runIfActive { try SQLiteJobStore(path: path) }
        } catch {
            throw ConfigurationFailure(lines: [
                "cannot open the job database \(path): \(error) "
                    + "(fix: check data_dir or database.url in the configuration, or pass --data-dir)",
            ])
        }
        if !store.appliedMigrations.isEmpty {
            logger.notice("Job database migrated forward", metadata: [
                "database.path": "\(path)", "migration.from": "\(store.previousMigration ?? "new file")",
                "migration.applied": "\(store.appliedMigrations.joined(separator: ", "))",
            ])
        }
        guard markingInterrupted else { return store }
        let interrupted = try await store.markUnfinishedInterrupted()
        if interrupted > 0 {
            logger.warning("Jobs left unfinished by the previous run were marked interrupted",
                           metadata: ["job.count": "\(interrupted)"])
        }
        return store
    }

    /// Connects to PostgreSQL and migrates it; the store's service must then run for it to answer.
    /// - Parameter waiting: Wait out a database that is down or starting (a replica started before
    ///   it), retrying with a growing pause and logging each try; a refusal (a wrong password, a
    ///   missing grant, a certificate that fails) ends at once with the server's words.
    static func openPostgres(_ server: DatabaseURL.Postgres, settings: DatabaseSettings, logger: Logger,
                             waiting: Bool = true) async throws -> PostgresJobStore {
        let name = DatabaseURL.postgresql(server).description
        let fix = "(fix: check database.url, the password source and tls in the configuration, "
            + "and that PostgreSQL accepts this user from this host and lets it create tables)"
        let store: PostgresJobStore
        do {
            store = try PostgresJobStore(server, tls: settings.tls, caFile: settings.caFile, logger: logger)
        } catch {
            throw ConfigurationFailure(lines: ["cannot use database.ca_file \(settings.caFile ?? "-"): \(error) \(fix)"])
        }
        var pause = Duration.seconds(1)
        while true {
            do {
                let migration = try await store.migrate()
                if !migration.applied.isEmpty {
                    logger.notice("Job database migrated forward", metadata: [
                        "database": "\(name)", "migration.from": "\(migration.previous ?? "empty database")",
                        "migration.applied": "\(migration.applied.joined(separator: ", "))",
                    ])
                }
                return store
            } catch let error as NewerDatabaseError {
                throw ConfigurationFailure(lines: ["\(error)"])
            } catch where waiting && PostgresJobStore.isTransient(error) {
                logger.warning("Job database not reachable yet; waiting for it", metadata: [
                    "database": "\(name)", "error": "\(PostgresJobStore.reason(error))", "retry.in": "\(pause)",
                ])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(15))
            } catch {
                throw ConfigurationFailure(lines: [
                    "cannot open the job database \(name): \(PostgresJobStore.reason(error)) \(fix)",
                ])
            }
        }
    }
}
