import AggregatorCore
import BackendSupport

/// The engine calls of one job (a create or a VM operation): every call carries the job's
/// `Correlation-Id`, writes refused because an object is locked are tried again, and waits read
/// an object's status every `poll_interval`.
struct OvirtJobCalls: Sendable {
    let session: OvirtSession
    let options: OvirtProvisioningOptions
    let correlationID: String

    var engine: String { session.engine }

    func get<T: Decodable>(_ type: T.Type, _ path: String, query: [(name: String, value: String)] = [],
                           expected: String) async throws -> T {
        try await session.get(type, path: path, query: query, expected: expected, correlationID: correlationID)
    }

    func write<T: Decodable>(_ type: T.Type, _ method: String, _ path: String,
                             query: [(name: String, value: String)] = [], body: OvirtBody?,
                             expected: String) async throws -> T {
        try await Self.withLockRetry(retries: options.lockRetries, interval: options.pollInterval) {
            try await session.write(type, method: method, path: path, query: query, body: body, expected: expected,
                                    correlationID: correlationID)
        }
    }

    /// Runs `call`, trying again after `interval` when the engine refuses it with 409 because an
    /// object is locked or an operation is in progress (it then did nothing).
    static func withLockRetry<T>(retries: Int, interval: Duration,
                                 _ call: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await call()
            } catch let error as BackendError where error.httpStatus == 409 && attempt < retries && isLocked(error) {
                attempt += 1
                try await Task.sleep(for: interval)
            }
        }
    }

    static func isLocked(_ error: BackendError) -> Bool {
        let text = error.message.lowercased()
        return text.contains("locked") || text.contains("in progress")
    }

    struct StatusOnly: Decodable {
        var status: String?
    }

    /// Reads `path` every `poll_interval` until its `status` is `target`; `failure` turns a status
    /// (given the statuses seen so far) into a reason to stop.
    /// - Throws: ``BackendError`` `.timeout` naming `option` after `timeout`.
    func waitForStatus(_ what: String, path: String, expected: String, target: String, timeout: Duration,
                       option: String, failure: (String, [String]) -> String?) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var seen: [String] = []
        while true {
            let status = try await get(StatusOnly.self, path, expected: expected).status ?? "unknown"
            if status == target { return }
            if let reason = failure(status, seen) {
                throw BackendError(.invalidResponse, engine: engine, message: "\(what): \(reason)")
            }
            if seen.last != status { seen.append(status) }
            guard clock.now < deadline else {
                throw BackendError(.timeout, engine: engine,
                                   message: "\(what) did not become \(target) within \(timeout.milliseconds / 1000) s "
                                       + "(\(option)); it is \(status)")
            }
            try await Task.sleep(for: options.pollInterval)
        }
    }
}
