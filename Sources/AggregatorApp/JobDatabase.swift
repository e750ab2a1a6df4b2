import AggregatorCore
import Logging
import NIOPosix
import SQLiteJobStore

/// Opens the job database the configuration names and brings it to this version's schema.
enum JobDatabase {
    /// Opens (creating and migrating) the SQLite store in `dataDirectory` and marks the jobs an
    /// earlier process left queued or running as interrupted.
    /// - Throws: ``ConfigurationFailure`` naming the file and the fix when it cannot be opened.
    static func open(dataDirectory: String, logger: Logger) async throws -> SQLiteJobStore {
        let databasePath = "\(dataDirectory)/jobs.sqlite"
        let store: SQLiteJobStore
        do {
            // Opening creates the directory and file and migrates: blocking I/O, so not on the cooperative pool.
            store = try await NIOThreadPool.singleton.runIfActive { try SQLiteJobStore(path: databasePath) }
        } catch {
            throw ConfigurationFailure(lines: [
                "cannot open the job database \(databasePath): \(error) "
                    + "(fix: check data_dir in the configuration, or pass --data-dir)",
            ])
        }
        if !store.appliedMigrations.isEmpty {
            logger.notice("Job database migrated forward", metadata: [
                "database.path": "\(databasePath)", "migration.from": "\(store.previousMigration ?? "new file")",
                "migration.applied": "\(store.appliedMigrations.joined(separator: ", "))",
            ])
        }
        let interrupted = try await store.markUnfinishedInterrupted()
        if interrupted > 0 {
            logger.warning("Jobs left unfinished by the previous run were marked interrupted",
                           metadata: ["job.count": "\(interrupted)"])
        }
        return store
    }
}
