import AggregatorCore
import HTTPTypes

extension APIError {
    /// `503 database_unavailable`: the job database does not answer, so nothing that must be
    /// recorded (a create, a job or audit read) can be done; listings still answer from memory.
    static func databaseUnavailable(_ error: JobStoreUnavailable) -> APIError {
        var answer = APIError(
            .serviceUnavailable, code: "database_unavailable",
            message: "the job database does not answer (\(error.operation)); nothing was created or changed",
            fix: "retry when it is back (GET /ready shows the database); listings keep answering meanwhile")
        answer.headers[.retryAfter] = "5"
        return answer
    }
}
