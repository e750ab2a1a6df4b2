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

    func get<T: Decodable>(_ type: T.Type, _ path: String, query: [(name: String, value: String)] = [],
                                   expected: String) async throws -> T {
        try await session.get(type, path: path, query: query, expected: expected, correlationID: job.correlationID)
    }

    func write<T: Decodable>(_ type: T.Type, _ method: String, _ path: String,
                                     query: [(name: String, value: String)] = [], body: OvirtBody?,
                                     expected: String) async throws -> T {
        let session = self.session
        let correlationID = job.correlationID
        return try await Self.withLockRetry(retries: options.lockRetries, interval: options.pollInterval) {
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
