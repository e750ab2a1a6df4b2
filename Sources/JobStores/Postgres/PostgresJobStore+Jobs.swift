import AggregatorCore
import Foundation
import PostgresNIO

/// Jobs: inserts decided by the unique index, leases on the database's clock, and every write
/// announced on ``PostgresJobStore/channel``.
extension PostgresJobStore {
    /// The states an idempotency key can be held in (the partial unique index's predicate).
    static let activeStates = [JobState.queued, .running, .succeeded].map(\.rawValue)
    static let unfinishedStates = [JobState.queued, .running].map(\.rawValue)

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func decodeJobs(_ rows: PostgresRowSequence) async throws -> [Job] {
        var jobs: [Job] = []
        for try await body in rows.decode(String.self) {
            jobs.append(try JobRecordCoding.decode(Job.self, from: body))
        }
        return jobs
    }

    // MARK: JobStore

    public func insertUnlessActive(_ job: Job) async throws -> (job: Job, inserted: Bool) {
        try await insert(job, owner: nil, lease: .zero)
    }

    public func insertUnlessActive(_ job: Job, leasedTo owner: String, for lease: Duration) async throws
        -> (job: Job, inserted: Bool)
    {
        try await insert(job, owner: owner, lease: lease)
    }

    /// Inserts `job` unless the unique index finds an active job with its key; then that job.
    /// A job that left the active states between the two statements is retried.
    private func insert(_ job: Job, owner: String?, lease: Duration) async throws -> (job: Job, inserted: Bool) {
        let body = try JobRecordCoding.encode(job)
        let seconds = Self.seconds(lease)
        let active = Self.activeStates
        return try await access("insert job") { client in
            for _ in 0 ..< 5 {
                let inserted = try await client.query("""
                    INSERT INTO job (id, idempotency_key, state, engine, document_num, created_at, body, vm_id,
                                     lease_owner, lease_until)
                    VALUES (\(job.id), \(job.idempotencyKey), \(job.state.rawValue), \(job.engine), \(job.documentNum),
                            \(job.createdAt.timeIntervalSince1970), \(body), \(job.vmID), \(owner),
                            CASE WHEN \(owner)::text IS NULL THEN NULL ELSE now() + make_interval(secs => \(seconds)) END)
                    ON CONFLICT (idempotency_key) WHERE state IN ('queued', 'running', 'succeeded') DO NOTHING
                    RETURNING id
                    """)
                var wasInserted = false
                for try await _ in inserted.decode(String.self) { wasInserted = true }
                if wasInserted {
                    _ = try await client.query("SELECT pg_notify(\(Self.channel), \(job.id))")
                    return (job, true)
                }
                let existing = try await Self.decodeJobs(client.query("""
                    SELECT body FROM job WHERE idempotency_key = \(job.idempotencyKey) AND state = ANY(\(active))
                    ORDER BY created_at DESC LIMIT 1
                    """))
                if let existing = existing.first { return (existing, false) }
            }
            throw JobStoreUnavailable(operation: "insert job", reason: "the idempotency key kept changing hands")
        }
    }

    public func activeJob(idempotencyKey: String) async throws -> Job? {
        let active = Self.activeStates
        return try await access("read job") { client in
            try await Self.decodeJobs(client.query("""
                SELECT body FROM job WHERE idempotency_key = \(idempotencyKey) AND state = ANY(\(active))
                ORDER BY created_at DESC LIMIT 1
                """)).first
        }
    }

    /// Writes `job` whoever holds it (tools and tests; the runner writes with ``update(_:heldBy:release:)``).
    public func update(_ job: Job) async throws {
        let body = try JobRecordCoding.encode(job)
        try await access("update job") { client in
            _ = try await client.query("""
                WITH written AS (
                    INSERT INTO job (id, idempotency_key, state, engine, document_num, created_at, body, vm_id)
                    VALUES (\(job.id), \(job.idempotencyKey), \(job.state.rawValue), \(job.engine), \(job.documentNum),
                            \(job.createdAt.timeIntervalSince1970), \(body), \(job.vmID))
                    ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body, vm_id = excluded.vm_id
                    RETURNING id)
                SELECT pg_notify(\(Self.channel), id) FROM written
                """)
        }
    }

    public func job(id: String) async throws -> Job? {
        try await access("read job") { client in
            try await Self.decodeJobs(client.query("SELECT body FROM job WHERE id = \(id)")).first
        }
    }

    public func jobs(matching filter: JobFilter) async throws -> [Job] {
        let state = filter.state?.rawValue
        let engine = filter.engine
        let document = filter.documentNum
        let vmID = filter.vmID
        let limit = max(1, filter.limit)
        return try await access("list jobs") { client in
            try await Self.decodeJobs(client.query("""
                SELECT body FROM job
                WHERE (\(state)::text IS NULL OR state = \(state)) AND (\(engine)::text IS NULL OR engine = \(engine))
                  AND (\(document)::text IS NULL OR document_num = \(document))
                  AND (\(vmID)::text IS NULL OR vm_id = \(vmID))
                ORDER BY created_at DESC, id LIMIT \(limit)
                """))
        }
    }

    // MARK: LeasedJobStore

    public func claimExpired(owner: String, lease: Duration, limit: Int) async throws -> [Job] {
        let seconds = Self.seconds(lease)
        let unfinished = Self.unfinishedStates
        return try await access("claim jobs") { client in
            try await Self.decodeJobs(client.query("""
                UPDATE job SET lease_owner = \(owner), lease_until = now() + make_interval(secs => \(seconds))
                WHERE id IN (
                    SELECT id FROM job
                    WHERE state = ANY(\(unfinished)) AND (lease_until IS NULL OR lease_until < now())
                    ORDER BY created_at LIMIT \(max(1, limit))
                    FOR UPDATE SKIP LOCKED)
                RETURNING body
                """))
        }
    }

    public func renewLeases(_ ids: [String], owner: String, lease: Duration) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let seconds = Self.seconds(lease)
        let unfinished = Self.unfinishedStates
        return try await access("renew leases") { client in
            var kept: Set<String> = []
            let rows = try await client.query("""
                UPDATE job SET lease_until = now() + make_interval(secs => \(seconds))
                WHERE id = ANY(\(ids)) AND lease_owner = \(owner) AND lease_until >= now() AND state = ANY(\(unfinished))
                RETURNING id
                """)
            for try await id in rows.decode(String.self) { kept.insert(id) }
            return kept
        }
    }

    public func update(_ job: Job, heldBy owner: String, release: Bool) async throws -> Bool {
        let body = try JobRecordCoding.encode(job)
        return try await access("record job progress") { client in
            let rows = try await client.query("""
                WITH written AS (
                    UPDATE job SET state = \(job.state.rawValue), body = \(body), vm_id = \(job.vmID),
                        lease_until = CASE WHEN \(release) THEN now() - interval '1 second' ELSE lease_until END
                    WHERE id = \(job.id) AND lease_owner = \(owner) AND lease_until >= now()
                    RETURNING id)
                SELECT id, pg_notify(\(Self.channel), id)::text FROM written
                """)
            var written = false
            for try await _ in rows.decode((String, String).self) { written = true }
            return written
        }
    }
}
