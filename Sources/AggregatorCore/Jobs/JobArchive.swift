/// A job store whose whole content can be read out and written into another, for
/// `aggregator db copy`: jobs and audit entries in pages by id, and written by id so a second copy
/// adds nothing.
public protocol JobArchive: JobStore, AuditLog {
    /// Up to `limit` jobs with ids after `id` (nil: from the first), by id.
    func jobs(after id: String?, limit: Int) async throws -> [Job]
    /// Up to `limit` audit entries with ids after `id` (nil: from the first), by id.
    func auditEntries(after id: String?, limit: Int) async throws -> [AuditEntry]
    /// Writes the jobs whose ids the store does not hold yet, as they are (state, steps, times).
    /// - Returns: How many were new.
    func importJobs(_ jobs: [Job]) async throws -> Int
    /// Writes the audit entries whose ids the store does not hold yet.
    /// - Returns: How many were new.
    func importAuditEntries(_ entries: [AuditEntry]) async throws -> Int
    /// Which of `ids` the store holds as jobs.
    func existingJobIDs(_ ids: [String]) async throws -> Set<String>
    /// Which of `ids` the store holds as audit entries.
    func existingAuditIDs(_ ids: [String]) async throws -> Set<String>
    /// How many jobs and audit entries the store holds.
    func counts() async throws -> (jobs: Int, audit: Int)
}
