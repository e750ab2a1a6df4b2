import AggregatorCore
import Foundation
import GRDB
import Testing

@testable import SQLiteJobStore

/// Upgrades move the job database forward and say so; a rollback onto a newer file is refused.
@Suite struct SQLiteMigrationTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString).sqlite").path
    }

    @Test func aNewFileAppliesEveryStepAndAReopenNone() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try SQLiteJobStore(path: path)
        #expect(first.previousMigration == nil)
        #expect(first.appliedMigrations == SQLiteJobStore.knownMigrations)
        let again = try SQLiteJobStore(path: path)
        #expect(again.appliedMigrations.isEmpty)
        #expect(again.previousMigration == SQLiteJobStore.knownMigrations.last)
    }

    @Test func anOlderFileIsMigratedForwardFromWhereItWas() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // A file as the first version left it: only the first step.
        let old = try DatabaseQueue(path: path)
        try SQLiteJobStore.migrator.migrate(old, upTo: SQLiteJobStore.knownMigrations[0])
        try old.close()
        let store = try SQLiteJobStore(path: path)
        #expect(store.previousMigration == SQLiteJobStore.knownMigrations[0])
        #expect(store.appliedMigrations == Array(SQLiteJobStore.knownMigrations.dropFirst()))
    }

    @Test func aFileFromANewerVersionIsRefusedUntouched() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try SQLiteJobStore(path: path)
        let newer = try DatabaseQueue(path: path)
        try newer.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9 future')") }
        try newer.close()
        #expect {
            _ = try SQLiteJobStore(path: path)
        } throws: { error in
            let refusal = error as? NewerDatabaseError
            return refusal?.unknownMigrations == ["v9 future"] && "\(error)".contains("restore the backup")
        }
    }
}
