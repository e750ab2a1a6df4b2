/// The job database's schema steps, oldest first: one list for every store, so an SQLite file and
/// a PostgreSQL database at the same step hold the same tables. Each store says how it applies a
/// step (the `switch` over this type is exhaustive, so a new step cannot be forgotten by one), and
/// each refuses a database that records a step this list does not know (a newer version wrote it).
public enum JobSchemaStep: String, CaseIterable, Sendable {
    /// Jobs: indexed columns for lookups and filters, the whole job as JSON.
    case jobs = "v1 jobs"
    /// The audit trail.
    case audit = "v2 audit"
    /// Job leases (which replica holds a job, until when) and at most one active job per
    /// idempotency key, enforced by the database.
    case leases = "v3 leases"
    /// The VM a job is about (`vm_id`), so a VM's page lists its create and the operations on it.
    case vmSubject = "v4 vm subject"

    /// The step names, oldest first.
    public static var names: [String] { allCases.map(\.rawValue) }
}
