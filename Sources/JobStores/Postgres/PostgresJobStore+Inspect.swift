import AggregatorCore
import PostgresNIO

/// What `aggregator check-config --probe` says of the database, read without changing anything.
extension PostgresJobStore {
    /// The server and where its schema stands against this version's steps.
    public struct Inspection: Sendable {
        /// `server_version` (`15.18 (Debian 15.18-0+deb12u1)`).
        public var serverVersion: String
        /// The steps the database records, oldest first (empty for an empty database).
        public var recorded: [String]
        /// This version's steps the database lacks: the first replica to start applies them.
        public var pending: [String]
        /// Steps a newer version recorded: this version would refuse the database.
        public var unknown: [String]
    }

    /// Connects on a connection of its own and reads the server version and the schema steps.
    /// - Throws: As ``migrate(timeout:)`` does: the server's refusal in its words, or
    ///   ``JobStoreUnavailable`` when it does not answer within `timeout`.
    public func inspect(timeout: Duration = .seconds(10)) async throws -> Inspection {
        let configuration = connectionConfiguration
        let logger = self.logger
        return try await withThrowingTaskGroup(of: Inspection.self) { group in
            group.addTask {
                let connection: PostgresConnection
                do {
                    connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
                } catch where !Self.isTransient(error) {
                    throw PostgresQueryError(operation: "connect", message: Self.reason(error), sqlState: nil)
                }
                defer { Task { try? await connection.close() } }
                var version = "?"
                for try await text in try await connection.query("SHOW server_version", logger: logger).decode(String.self) {
                    version = text
                }
                var exists = false
                for try await found in try await connection.query(
                    "SELECT to_regclass('vmagg_schema') IS NOT NULL", logger: logger).decode(Bool.self) {
                    exists = found
                }
                var recorded: [String] = []
                if exists {
                    for try await step in try await connection.query(
                        "SELECT step FROM vmagg_schema ORDER BY step", logger: logger).decode(String.self) {
                        recorded.append(step)
                    }
                }
                return Inspection(serverVersion: version, recorded: recorded,
                                  pending: JobSchemaStep.names.filter { !recorded.contains($0) },
                                  unknown: recorded.filter { !JobSchemaStep.names.contains($0) })
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw JobStoreUnavailable(operation: "inspect the schema", reason: "no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            guard let inspection = try await group.next() else { throw CancellationError() }
            return inspection
        }
    }
}
