import Foundation
import Logging
import Testing

@testable import AggregatorCore
@testable import SQLiteJobStore

@Suite("The job database is private and holds engine ids from the moment they exist")
struct SQLiteFileModeTests {
    private func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("jobs-mode-\(UUID().uuidString)").path
    }

    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }

    @Test("a new database is 0600 in a new 0700 directory")
    func newDatabaseIsPrivate() throws {
        let directory = directory()
        let path = "\(directory)/data/jobs.sqlite"
        _ = try SQLiteJobStore(path: path)
        #expect(try mode(path) == 0o600)
        #expect(try mode("\(directory)/data") == 0o700)
    }

    @Test("an existing database readable by others is narrowed to 0600")
    func existingDatabaseIsNarrowed() throws {
        let directory = directory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/jobs.sqlite"
        _ = try SQLiteJobStore(path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        _ = try SQLiteJobStore(path: path)
        #expect(try mode(path) == 0o600)
    }

    @Test("a VM id reported during a step is on disk before the step ends, and survives a crash as interrupted")
    func reportedIDSurvivesACrash() async throws {
        let path = "\(directory())/jobs.sqlite"
        let job = Job(action: .createVM, engine: "e15", kind: "ovirt", documentNum: "6666", target: "web01",
                      idempotencyKey: "create_vm|6666|e15|web01", itemIndex: 0, meta: RequestMeta(documentNum: "6666"))
        do {
            let store = try SQLiteJobStore(path: path)
            _ = try await store.insertUnlessActive(job)
            let recorder = StoreRecorder(job: job, store: store, logger: Logger(label: "test"))
            await recorder.start()
            await recorder.stepStarted("create_vm", description: "POST /vms")
            await recorder.stepReportedIDs("create_vm", engineIDs: ["vm_id": "vm-42"])
            // The process dies here, during the wait for the VM's disks.
        }
        let reopened = try SQLiteJobStore(path: path)
        let stored = try #require(try await reopened.job(id: job.id))
        #expect(stored.steps.first?.engineIDs["vm_id"] == "vm-42")
        #expect(stored.steps.first?.state == "running")

        #expect(try await reopened.markUnfinishedInterrupted() == 1)
        let interrupted = try #require(try await reopened.job(id: job.id))
        #expect(interrupted.state == .interrupted)
        #expect(interrupted.steps.first?.state == "interrupted")
        #expect(interrupted.steps.first?.engineIDs["vm_id"] == "vm-42")
    }

    @Test("ids reported early are kept when the step succeeds with more")
    func reportedIDsMergeOnSuccess() async throws {
        let store = try SQLiteJobStore(path: "\(directory())/jobs.sqlite")
        let job = Job(action: .createVM, engine: "e15", kind: "ovirt", documentNum: "1", target: "a",
                      idempotencyKey: "k", itemIndex: 0, meta: RequestMeta(documentNum: "1"))
        _ = try await store.insertUnlessActive(job)
        let recorder = StoreRecorder(job: job, store: store, logger: Logger(label: "test"))
        await recorder.stepStarted("add_disk[1]", description: "disk")
        await recorder.stepReportedIDs("add_disk[1]", engineIDs: ["disk_id[1]": "d1"])
        await recorder.stepSucceeded("add_disk[1]", detail: nil, engineIDs: ["extra": "x"])
        let stored = try #require(try await store.job(id: job.id))
        #expect(stored.steps.first?.engineIDs == ["disk_id[1]": "d1", "extra": "x"])
        #expect(stored.steps.first?.state == "succeeded")
    }
}
