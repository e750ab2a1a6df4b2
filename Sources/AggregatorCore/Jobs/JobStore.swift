/// Durable storage of jobs. Implementations must not block Swift's cooperative thread pool.
public protocol JobStore: Sendable {
    /// Inserts `job`, unless a job with the same idempotency key is queued, running or
    /// succeeded: then that one is returned and nothing is inserted. Atomic.
    /// - Returns: The stored job and whether it was inserted now.
    func insertUnlessActive(_ job: Job) async throws -> (job: Job, inserted: Bool)
    /// The queued, running or succeeded job with this idempotency key, if any.
    func activeJob(idempotencyKey: String) async throws -> Job?
    /// Replaces the stored job with `job` (same id).
    func update(_ job: Job) async throws
    func job(id: String) async throws -> Job?
    /// Jobs matching `filter`, newest first.
    func jobs(matching filter: JobFilter) async throws -> [Job]
    /// What the store is and whether it answers, for `GET /ready`.
    var health: JobStoreHealth { get }
}

/// What `GET /ready` says of the job database.
public struct JobStoreHealth: Sendable, Hashable {
    /// `sqlite` or `postgresql`.
    public var kind: String
    /// Whether the last exchange with the database succeeded (an SQLite file always answers).
    public var reachable: Bool

    public init(kind: String, reachable: Bool) {
        self.kind = kind
        self.reachable = reachable
    }
}
