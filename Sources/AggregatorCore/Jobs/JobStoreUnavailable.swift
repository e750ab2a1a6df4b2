/// The job database does not answer (PostgreSQL down, unreachable, or slower than the store's
/// bound). Nothing was recorded; the API answers `503 database_unavailable`, and listings keep
/// answering from the live model.
public struct JobStoreUnavailable: Error, Sendable, CustomStringConvertible {
    /// What could not be done (`insert job`, `claim jobs`).
    public var operation: String
    /// Why, without secrets (the database URL's password is never part of it).
    public var reason: String

    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "the job database is unavailable (\(operation)): \(reason)" }
}
