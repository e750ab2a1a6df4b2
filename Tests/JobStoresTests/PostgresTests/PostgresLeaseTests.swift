import AggregatorCore
import Foundation
import PostgresJobStore
import PostgresNIO
import Testing

/// Replicas sharing one PostgreSQL: leases decide who runs a job, a lost lease writes nothing,
/// a dead replica's jobs are claimed once, and every replica hears of every change.
///
/// A lease of zero has ended by the next statement (the database's `now()` moves on), which is how
/// these tests let a lease run out without waiting for one.
@Suite(.enabled(if: TestDatabase.available, "needs VMAGG_TEST_DATABASE_URL (scripts/test.sh starts PostgreSQL)"),
       .timeLimit(.minutes(1)))
struct PostgresLeaseTests {
    @Test func aHeldJobIsNotClaimedAndOnlyItsHolderWritesIt() async throws {
        try await TestDatabase.withStore { store in
            let job = try await store.insertUnlessActive(makeJob(), leasedTo: "a", for: .seconds(60)).job
            #expect(try await store.claimExpired(owner: "b", lease: .seconds(60), limit: 10).isEmpty)
            var running = job
            running.state = .running
            #expect(try await store.update(running, heldBy: "a", release: false))
            #expect(try await !store.update(running, heldBy: "b", release: false), "b holds no lease on it")
            #expect(try await store.renewLeases([job.id], owner: "a", lease: .seconds(60)) == [job.id])
            #expect(try await store.renewLeases([job.id], owner: "b", lease: .seconds(60)).isEmpty)
        }
    }

    @Test func anEndedLeaseIsClaimedByAnotherReplicaAndTheOldHolderIsLockedOut() async throws {
        try await TestDatabase.withStore { store in
            var job = try await store.insertUnlessActive(makeJob(), leasedTo: "dead", for: .zero).job
            job.state = .running
            job.steps = [JobStep(name: "create_vm", description: "POST /vms", state: "running", startedAt: Date(),
                                 engineIDs: ["vm_id": "v1"])]
            let claimed = try await store.claimExpired(owner: "b", lease: .seconds(60), limit: 10)
            #expect(claimed.map(\.id) == [job.id])
            #expect(try await store.claimExpired(owner: "c", lease: .seconds(60), limit: 10).isEmpty,
                    "a claimed job is claimed once")
            #expect(try await !store.update(job, heldBy: "dead", release: false), "the old holder writes nothing")
            #expect(try await store.renewLeases([job.id], owner: "dead", lease: .seconds(60)).isEmpty)
            #expect(try await store.update(job, heldBy: "b", release: false))
            #expect(try await store.job(id: job.id)?.steps.first?.engineIDs == ["vm_id": "v1"])
        }
    }

    @Test func aHandedOverJobIsClaimedAtOnceAndAFinishedOneNever() async throws {
        try await TestDatabase.withStore { store in
            var handed = try await store.insertUnlessActive(makeJob(target: "handed"), leasedTo: "a", for: .seconds(60)).job
            var done = try await store.insertUnlessActive(makeJob(target: "done"), leasedTo: "a", for: .seconds(60)).job
            handed.state = .running
            #expect(try await store.update(handed, heldBy: "a", release: true))
            done.state = .succeeded
            #expect(try await store.update(done, heldBy: "a", release: true))
            let claimed = try await store.claimExpired(owner: "b", lease: .seconds(60), limit: 10)
            #expect(claimed.map(\.id) == [handed.id])
        }
    }

    @Test func replicasClaimingAtOnceShareTheJobsWithoutOverlap() async throws {
        try await TestDatabase.withStore { store in
            for index in 0 ..< 40 {
                _ = try await store.insertUnlessActive(makeJob(target: "vm\(index)"), leasedTo: "dead", for: .zero)
            }
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for owner in ["a", "b", "c", "d"] {
                    group.addTask {
                        var ids: [String] = []
                        while true {
                            let batch = try await store.claimExpired(owner: owner, lease: .seconds(60), limit: 3)
                            if batch.isEmpty { return ids }
                            ids += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 40)
            #expect(Set(all).count == 40, "no job was claimed twice")
        }
    }

    @Test func everyReplicaHearsOfAChangeMadeByAnother() async throws {
        let server = try await TestDatabase.make()
        try await TestDatabase.withStore(on: server) { writer in
            let listener = try PostgresJobStore(server, tls: .disable, logger: TestDatabase.logger)
            try await TestDatabase.running(listener) { listener in
                var changes = listener.jobChanges().makeAsyncIterator()
                // The first announcement says the listener is connected (and may have missed changes).
                #expect(await changes.next() == .some(nil))
                let job = try await writer.insertUnlessActive(makeJob(), leasedTo: "a", for: .seconds(60)).job
                #expect(await changes.next() == .some(job.id))
                var running = job
                running.state = .running
                #expect(try await writer.update(running, heldBy: "a", release: false))
                #expect(await changes.next() == .some(job.id))
            }
        }
    }

    @Test func replicasMigratingTogetherApplyEachStepOnce() async throws {
        let server = try await TestDatabase.make()
        let migrations = try await withThrowingTaskGroup(of: PostgresJobStore.Migration.self) { group in
            for _ in 0 ..< 3 {
                group.addTask {
                    try await PostgresJobStore(server, tls: .disable, logger: TestDatabase.logger).migrate()
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(migrations.filter { $0.applied == JobSchemaStep.names }.count == 1)
        #expect(migrations.filter { $0.applied.isEmpty }.count == 2)
        let recorded = try await TestDatabase.withAdmin(server) { client in
            var steps: [String] = []
            for try await step in try await client.query("SELECT step FROM vmagg_schema ORDER BY step").decode(String.self) {
                steps.append(step)
            }
            return steps
        }
        #expect(recorded == JobSchemaStep.names)
    }

    @Test func aDatabaseANewerVersionMigratedIsRefusedUntouched() async throws {
        let server = try await TestDatabase.make()
        try await PostgresJobStore(server, tls: .disable, logger: TestDatabase.logger).migrate()
        try await TestDatabase.withAdmin(server) { client in
            _ = try await client.query("INSERT INTO vmagg_schema (step) VALUES ('v9 future')")
        }
        await #expect {
            try await PostgresJobStore(server, tls: .disable, logger: TestDatabase.logger).migrate()
        } throws: { error in
            (error as? NewerDatabaseError)?.unknownMigrations == ["v9 future"] && "\(error)".contains(server.database)
                && !"\(error)".contains(server.password?.value ?? "-")
        }
    }

    @Test func aDatabaseThatDoesNotAnswerIsReportedUnavailableWithoutItsPassword() async throws {
        // A port nothing listens on: connections are refused at once.
        var unreachable = try #require(TestDatabase.server)
        unreachable.port = 9
        let nowhere = unreachable
        let store = try PostgresJobStore(nowhere, tls: .disable, operationTimeout: .seconds(3), logger: TestDatabase.logger)
        try await TestDatabase.running(store) { store in
            await #expect {
                _ = try await store.insertUnlessActive(makeJob(), leasedTo: "a", for: .seconds(60))
            } throws: { error in
                error is JobStoreUnavailable && !"\(error)".contains(nowhere.password?.value ?? "-")
            }
            #expect(!store.health.reachable)
        }
    }

    @Test func aWrongPasswordIsReportedInTheServersWordsAtOnce() async throws {
        var wrong = try #require(TestDatabase.server)
        wrong.password = Secret("not-the-password")
        let refused = wrong
        await #expect {
            try await PostgresJobStore(refused, tls: .disable, logger: TestDatabase.logger).migrate()
        } throws: { error in
            !PostgresJobStore.isTransient(error) && "\(error)".contains("password authentication failed")
                && !"\(error)".contains("not-the-password")
        }
    }

    @Test func inspectingSaysWhereTheSchemaStandsAndChangesNothing() async throws {
        let server = try await TestDatabase.make()
        let store = try PostgresJobStore(server, tls: .disable, logger: TestDatabase.logger)
        let empty = try await store.inspect()
        #expect(empty.recorded.isEmpty && empty.pending == JobSchemaStep.names && empty.unknown.isEmpty)
        #expect(try await store.inspect().recorded.isEmpty, "inspecting created nothing")
        try await store.migrate()
        let current = try await store.inspect()
        #expect(current.recorded == JobSchemaStep.names && current.pending.isEmpty)
        #expect(!current.serverVersion.isEmpty)
        try await TestDatabase.withAdmin(server) { client in
            _ = try await client.query("INSERT INTO vmagg_schema (step) VALUES ('v9 future')")
        }
        #expect(try await store.inspect().unknown == ["v9 future"])
    }
}
