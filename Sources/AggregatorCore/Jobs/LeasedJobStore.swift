/// A job store that several replicas share (PostgreSQL). Every queued or running job is held by
/// one replica under a lease: the replica renews it while it runs the job, and when the replica
/// dies the lease ends and another replica claims the job and resumes it from its recorded steps.
///
/// Lease times are the database's own clock, so replicas' clocks never have to agree. Every write
/// to a held job is conditional on the lease, so a replica that lost it (a long pause, a network
/// split) can never overwrite what the new holder records.
public protocol LeasedJobStore: JobStore {
    /// What ``insertUnlessActive(_:)`` does, with the new job's lease held by `owner` for `lease`.
    /// At most one queued, running or succeeded job per idempotency key, across every replica:
    /// the database's unique constraint decides, never a read followed by a write.
    func insertUnlessActive(_ job: Job, leasedTo owner: String, for lease: Duration) async throws
        -> (job: Job, inserted: Bool)

    /// Claims for `owner` up to `limit` queued or running jobs whose lease has ended (their replica
    /// died or lost the database), oldest first, skipping jobs another replica is claiming at the
    /// same moment. The lease is `owner`'s from then on; the runner records itself as the job's
    /// ``Job/runner`` and counts the attempt when the job starts again.
    func claimExpired(owner: String, lease: Duration, limit: Int) async throws -> [Job]

    /// Extends `owner`'s leases on `ids` by `lease`.
    /// - Returns: The ids `owner` still holds; a missing id's lease was lost.
    func renewLeases(_ ids: [String], owner: String, lease: Duration) async throws -> Set<String>

    /// Writes `job` if `owner` still holds its lease (and announces the change to every replica).
    /// With `release` the lease ends with the write: for a final state, and for a job handed over
    /// unfinished by a replica that stops, which the next claim then takes at once.
    /// - Returns: False when the lease was lost: nothing was written.
    func update(_ job: Job, heldBy owner: String, release: Bool) async throws -> Bool

    /// The ids of jobs that changed on any replica, as the database announces them; the sequence
    /// also yields `nil` after it reconnected (changes may have been missed: re-read).
    func jobChanges() -> AsyncStream<String?>
}
