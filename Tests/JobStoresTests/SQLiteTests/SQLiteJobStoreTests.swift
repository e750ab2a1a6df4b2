import AggregatorCore
import Foundation
import Testing

@testable import SQLiteJobStore

@Suite struct SQLiteJobStoreTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString)/jobs.sqlite").path
    }

    func makeJob(document: String = "6666", engine: String = "e15", target: String = "vm1") -> Job {
        Job(action: .createVM, engine: engine, kind: "ovirt", documentNum: document, target: target,
            idempotencyKey: "create_vm|\(document)|\(engine)|\(target)", itemIndex: 0,
            meta: RequestMeta(documentNum: document))
    }

    @Test func sameKeyReturnsTheActiveJobInsteadOfInsertingAnother() async throws {
        let store = try SQLiteJobStore(path: temporaryPath())
        let first = try await store.insertUnlessActive(makeJob())
        #expect(first.inserted)
        let again = try await store.insertUnlessActive(makeJob())
        #expect(!again.inserted)
        #expect(again.job.id == first.job.id)

        var failed = first.job
        failed.state = .failed
        try await store.update(failed)
        let retry = try await store.insertUnlessActive(makeJob())
        #expect(retry.inserted, "a failed job does not block a new attempt")
    }

    @Test func jobsSurviveReopeningAndUnfinishedOnesAreInterrupted() async throws {
        let path = temporaryPath()
        var running = makeJob(target: "a")
        var done = makeJob(target: "b")
        do {
            let store = try SQLiteJobStore(path: path)
            _ = try await store.insertUnlessActive(running)
            _ = try await store.insertUnlessActive(done)
            running.state = .running
            running.startedAt = Date()
            running.steps = [JobStep(name: "create_network", description: "POST /networks", state: "succeeded",
                                     startedAt: Date(), finishedAt: Date(), engineIDs: ["network_id": "n1"]),
                             JobStep(name: "create_vm", description: "POST /vms", state: "running", startedAt: Date())]
            try await store.update(running)
            done.state = .succeeded
            try await store.update(done)
        }
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.markUnfinishedInterrupted() == 1)
        let interrupted = try #require(try await reopened.job(id: running.id))
        #expect(interrupted.state == .interrupted)
        #expect(interrupted.steps.map(\.state) == ["succeeded", "interrupted"])
        #expect(interrupted.steps[0].engineIDs == ["network_id": "n1"])
        #expect(try await reopened.job(id: done.id)?.state == .succeeded)
    }

    @Test func filtersAndOrder() async throws {
        let store = try SQLiteJobStore(path: temporaryPath())
        var jobs: [Job] = []
        for (index, (document, engine)) in [("1", "e15"), ("1", "k45"), ("2", "e15")].enumerated() {
            var job = makeJob(document: document, engine: engine, target: "vm\(index)")
            job.createdAt = Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
            jobs.append(job)
            _ = try await store.insertUnlessActive(job)
        }
        #expect(try await store.jobs(matching: JobFilter()).map(\.id) == jobs.reversed().map(\.id))
        #expect(try await store.jobs(matching: JobFilter(engine: "e15")).count == 2)
        #expect(try await store.jobs(matching: JobFilter(documentNum: "1")).count == 2)
        #expect(try await store.jobs(matching: JobFilter(state: .failed)).isEmpty)
        #expect(try await store.jobs(matching: JobFilter(limit: 1)).count == 1)
    }
}
