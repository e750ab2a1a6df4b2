import AggregatorCore
import BackendSupport

extension OvirtRun {
    // MARK: - Recording

    func description(of step: String) -> String { execution.description(of: step) }

    /// Records `name` as started, runs `body`, and records its success or failure.
    @discardableResult
    func step<T>(_ name: String,
                 _ body: () async throws -> (value: T, detail: String?, ids: [String: String])) async throws -> T {
        try await execution.step(name, body)
    }

    func backendError(_ error: any Error) -> BackendError { execution.backendError(error) }

    func missingID(_ request: String) -> BackendError {
        BackendError(.invalidResponse, engine: engine, message: "\(request): the engine's answer has no id")
    }

    // MARK: - Engine calls

    /// The job's engine calls (correlation id, lock retries, status waits).
    var calls: OvirtJobCalls { OvirtJobCalls(session: session, options: options, correlationID: job.correlationID) }

    func get<T: Decodable>(_ type: T.Type, _ path: String, query: [(name: String, value: String)] = [],
                           expected: String) async throws -> T {
        try await calls.get(type, path, query: query, expected: expected)
    }

    func write<T: Decodable>(_ type: T.Type, _ method: String, _ path: String,
                             query: [(name: String, value: String)] = [], body: OvirtBody?,
                             expected: String) async throws -> T {
        try await calls.write(type, method, path, query: query, body: body, expected: expected)
    }

    static func withLockRetry<T>(retries: Int, interval: Duration,
                                 _ call: () async throws -> T) async throws -> T {
        try await OvirtJobCalls.withLockRetry(retries: retries, interval: interval, call)
    }

    typealias StatusOnly = OvirtJobCalls.StatusOnly

    /// Reads `path` every `poll_interval` until its `status` is `target` (``OvirtJobCalls/waitForStatus``).
    func waitForStatus(_ what: String, path: String, expected: String, target: String, timeout: Duration,
                       option: String, failure: (String, [String]) -> String?) async throws {
        try await calls.waitForStatus(what, path: path, expected: expected, target: target, timeout: timeout,
                                      option: option, failure: failure)
    }

    func waitForDisk(_ diskID: String) async throws {
        try await waitForStatus("disk \(diskID)", path: "disks/\(diskID)", expected: "a JSON disk", target: "ok",
                                timeout: options.createTimeout, option: "create_timeout") { status, _ in
            status == "illegal" ? "the disk became illegal" : nil
        }
    }

    // MARK: - Meta

    /// `document 6666, information system …, owner …, environment …`, cut to `limit` characters.
    static func metaDescription(_ meta: RequestMeta, limit: Int) -> String {
        var parts = ["document \(meta.documentNum)"]
        if let value = meta.infSystem, !value.isEmpty { parts.append("information system \(value)") }
        if let value = meta.owner, !value.isEmpty { parts.append("owner \(value)") }
        if let value = meta.environment, !value.isEmpty { parts.append("environment \(value)") }
        let text = parts.joined(separator: ", ")
        return text.count <= limit ? text : String(text.prefix(limit))
    }

    /// `document_num=6666; inf_system=…; owner=…; environment=…; job=…`: the same, machine-readable.
    static func metaComment(_ meta: RequestMeta, jobID: String) -> String {
        var parts = ["document_num=\(meta.documentNum)"]
        if let value = meta.infSystem { parts.append("inf_system=\(value)") }
        if let value = meta.owner { parts.append("owner=\(value)") }
        if let value = meta.environment { parts.append("environment=\(value)") }
        parts.append("job=\(jobID)")
        return parts.joined(separator: "; ")
    }
}
