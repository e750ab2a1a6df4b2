import AggregatorCore
import Foundation
import GRDB
import Testing

@testable import SQLiteJobStore

@Suite struct SQLiteAuditLogTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)/jobs.sqlite").path
    }

    func entry(_ outcome: AuditOutcome, who: String = "ci", at seconds: Double) -> AuditEntry {
        AuditEntry(time: Date(timeIntervalSince1970: seconds), who: who, authMethod: "token", role: "operator",
                   peer: "127.0.0.1:5000", method: "POST", path: "/ovirt/create_vm", action: "create_vm",
                   items: [AuditItem(documentNum: "6666", engine: "e15", target: "vm1", jobID: "j1")],
                   outcome: outcome, status: outcome == .denied ? 403 : 202, code: outcome == .denied ? "forbidden" : nil)
    }

    @Test func entriesAreListedNewestFirstWithOutcomeAndLimitFilters() async throws {
        let store = try SQLiteJobStore(path: temporaryPath())
        try await store.record(entry(.accepted, at: 1000))
        try await store.record(entry(.denied, who: "-", at: 1001))
        try await store.record(entry(.dryRun, at: 1002))
        try await store.record(entry(.denied, who: "reader", at: 1003))

        let all = try await store.auditEntries(matching: AuditFilter())
        #expect(all.map(\.outcome) == [.denied, .dryRun, .denied, .accepted])
        #expect(all.last == entry(.accepted, at: 1000).withID(all.last!.id))
        #expect(all.last?.items.first?.jobID == "j1")

        let denied = try await store.auditEntries(matching: AuditFilter(outcome: .denied))
        #expect(denied.map(\.who) == ["reader", "-"])
        let newest = try await store.auditEntries(matching: AuditFilter(limit: 1))
        #expect(newest.map(\.who) == ["reader"])
    }

    @Test func onlyTheNewestDenialsAreKeptAndOtherEntriesNeverPruned() async throws {
        let store = try SQLiteJobStore(path: temporaryPath())
        for second in 0..<10 {
            try await store.record(entry(second % 5 == 0 ? .accepted : .denied, who: "w\(second)", at: Double(second)))
        }
        try await store.pruneDeniedAudit(keeping: 3)
        let left = try await store.auditEntries(matching: AuditFilter())
        #expect(left.map(\.who) == ["w9", "w8", "w7", "w5", "w0"])
        try await store.pruneDeniedAudit(keeping: 5)
        #expect(try await store.auditEntries(matching: AuditFilter()).count == 5)
    }

    @Test func aJobDatabaseFromBeforeTheAuditTrailGainsItAndKeepsItsJobs() async throws {
        let path = temporaryPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        // The schema of the first release: only the job table, migration "v1 jobs" applied.
        let old = try DatabaseQueue(path: path)
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
        try migrator.migrate(old)
        try old.close()
        do {
            let store = try SQLiteJobStore(path: path)
            let job = Job(action: .createVM, engine: "e15", kind: "ovirt", documentNum: "6666", target: "vm1",
                          idempotencyKey: "k", itemIndex: 0, meta: RequestMeta(documentNum: "6666"))
            _ = try await store.insertUnlessActive(job)
            try await store.record(entry(.accepted, at: 1))
        }
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.jobs(matching: JobFilter()).count == 1)
        #expect(try await reopened.auditEntries(matching: AuditFilter()).count == 1)
    }
}

extension AuditEntry {
    func withID(_ id: String) -> AuditEntry {
        var copy = self
        copy.id = id
        return copy
    }
}
