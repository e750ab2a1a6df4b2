import AggregatorApp
import AggregatorCore
import Foundation
import Testing

/// What the API relies on from any job store, run against the SQLite file and PostgreSQL alike:
/// idempotency, reads and filters, the audit trail, and copying one into the other.
@Suite(.enabled(if: TestDatabase.available, "needs VMAGG_TEST_DATABASE_URL (scripts/test.sh starts PostgreSQL)"))
struct JobStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func anActiveJobAnswersItsKeyAndAFailedOneFreesIt(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = try await store.insertUnlessActive(makeJob())
            #expect(first.inserted)
            let again = try await store.insertUnlessActive(makeJob())
            #expect(!again.inserted)
            #expect(again.job.id == first.job.id)
            #expect(try await store.activeJob(idempotencyKey: first.job.idempotencyKey)?.id == first.job.id)

            var failed = first.job
            failed.state = .failed
            try await store.update(failed)
            #expect(try await store.activeJob(idempotencyKey: first.job.idempotencyKey) == nil)
            let retry = try await store.insertUnlessActive(makeJob())
            #expect(retry.inserted, "a failed job does not block a new attempt")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theSameItemPostedManyTimesAtOnceIsOneJob(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let results = try await withThrowingTaskGroup(of: (Job, Bool).self) { group in
                for _ in 0 ..< 16 {
                    group.addTask { try await store.insertUnlessActive(makeJob(target: "same")) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter(\.1).count == 1)
            #expect(Set(results.map(\.0.id)).count == 1, "every caller is answered with the one job")
            #expect(try await store.counts().jobs == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func jobsAreListedNewestFirstAndFiltered(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let base = Date(timeIntervalSince1970: 1_800_000_000)
            var jobs: [Job] = []
            for index in 0 ..< 6 {
                var job = makeJob(document: index < 3 ? "100" : "200", engine: index.isMultiple(of: 2) ? "e15" : "e16",
                                  target: "vm\(index)", createdAt: base.addingTimeInterval(Double(index)))
                _ = try await store.insertUnlessActive(job)
                if index == 5 {
                    job.state = .succeeded
                    job.steps = [JobStep(name: "create_vm", description: "POST /vms", state: "succeeded",
                                         startedAt: base, finishedAt: base, engineIDs: ["vm_id": "v5"])]
                    try await store.update(job)
                }
                jobs.append(job)
            }
            #expect(try await store.jobs(matching: JobFilter()).map(\.target) == ["vm5", "vm4", "vm3", "vm2", "vm1", "vm0"])
            #expect(try await store.jobs(matching: JobFilter(limit: 2)).map(\.target) == ["vm5", "vm4"])
            #expect(try await store.jobs(matching: JobFilter(engine: "e16")).map(\.target) == ["vm5", "vm3", "vm1"])
            #expect(try await store.jobs(matching: JobFilter(documentNum: "100")).map(\.target) == ["vm2", "vm1", "vm0"])
            #expect(try await store.jobs(matching: JobFilter(state: .succeeded)).map(\.target) == ["vm5"])
            let stored = try #require(try await store.job(id: jobs[5].id))
            #expect(stored == jobs[5], "a job reads back exactly as written, steps and ids included")
            #expect(try await store.job(id: "no-such-job") == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theAuditIsReadNewestFirstByOutcome(_ kind: StoreKind) async throws {
        try await kind.withStore { store in
            let base = Date(timeIntervalSince1970: 1_800_000_000)
            for index in 0 ..< 5 {
                try await store.record(AuditEntry(
                    time: base.addingTimeInterval(Double(index)), who: "user\(index)", method: "POST", path: "/api/v1/vms",
                    action: "create_vm", outcome: index == 2 ? .denied : .accepted, status: index == 2 ? 403 : 202))
            }
            #expect(try await store.auditEntries(matching: AuditFilter()).map(\.who)
                == ["user4", "user3", "user2", "user1", "user0"])
            #expect(try await store.auditEntries(matching: AuditFilter(outcome: .denied)).map(\.who) == ["user2"])
        }
    }

    /// `aggregator db copy` moves everything in both directions, and a second run adds nothing.
    @Test(arguments: [(StoreKind.sqlite, StoreKind.postgresql), (.postgresql, .sqlite)])
    func everythingCopiesAcrossOnceAndIsCounted(_ kinds: (StoreKind, StoreKind)) async throws {
        try await kinds.0.withStore { source in
            for index in 0 ..< 450 {
                var job = makeJob(target: "vm\(index)")
                _ = try await source.insertUnlessActive(job)
                if index.isMultiple(of: 3) {
                    job.state = .failed
                    job.error = JobError(code: "http_status", message: "HTTP 409")
                    try await source.update(job)
                }
                try await source.record(AuditEntry(who: "ops", method: "POST", path: "/api/v1/vms", action: "create_vm",
                                                   outcome: .accepted, status: 202))
            }
            let sample = try await source.jobs(matching: JobFilter(limit: 1000))
            try await kinds.1.withStore { target in
                let first = try await DatabaseCopy.copy(from: source, to: target)
                #expect(first.copiedJobs == 450 && first.copiedAudit == 450)
                #expect(first.targetJobs == 450 && first.targetAudit == 450)
                let second = try await DatabaseCopy.copy(from: source, to: target)
                #expect(second.copiedJobs == 0 && second.copiedAudit == 0, "a second copy adds nothing")
                let copied = try await target.jobs(matching: JobFilter(limit: 1000))
                #expect(Set(copied) == Set(sample), "jobs arrive exactly as they were")
            }
        }
    }

    /// A target already in use that holds an active job for the same item refuses the copy's job:
    /// the copy says which, rather than report success on totals.
    @Test(arguments: [(StoreKind.sqlite, StoreKind.postgresql), (.postgresql, .sqlite)])
    func aCopyIntoADatabaseInUseNamesTheJobsItCouldNotCopy(_ kinds: (StoreKind, StoreKind)) async throws {
        try await kinds.0.withStore { source in
            let copied = try await source.insertUnlessActive(makeJob(target: "vm1")).job
            _ = try await source.insertUnlessActive(makeJob(target: "vm2"))
            try await kinds.1.withStore { target in
                let other = try await target.insertUnlessActive(makeJob(target: "vm1")).job
                await #expect {
                    _ = try await DatabaseCopy.copy(from: source, to: target)
                } throws: { error in
                    (error as? DatabaseCopy.VerificationFailed)?.missingJobs == [copied.id]
                        && "\(error)".contains("copy into an empty database")
                }
                #expect(try await target.job(id: other.id) != nil, "what the target held is left alone")
            }
        }
    }
}
