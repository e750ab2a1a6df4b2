import AggregatorCore
import Foundation
import Logging
import PostgresJobStore

/// What `aggregator check-config --probe` reports of the job database: reached and at which
/// schema step, or why not. Nothing is created or migrated.
public enum JobDatabaseProbe {
    /// The report's line and whether it is a failure.
    public struct Report: Sendable {
        public var ok: Bool
        public var line: String
    }

    /// Looks at the database `location` names.
    public static func run(_ location: DatabaseURL, settings: DatabaseSettings, logger: Logger) async -> Report {
        switch location {
        case .sqlite(let path):
            let exists = FileManager.default.fileExists(atPath: path)
            return Report(ok: true, line: exists ? "SQLite file \(path)" : "SQLite file \(path) (made at the first start)")
        case .postgresql(let server):
            do {
                let store = try PostgresJobStore(server, tls: settings.tls, caFile: settings.caFile, logger: logger)
                let found = try await store.inspect()
                let version = "PostgreSQL \(found.serverVersion.split(separator: " ").first.map(String.init) ?? found.serverVersion)"
                if !found.unknown.isEmpty {
                    return Report(ok: false, line: "\(version); migrated by a newer version (schema steps "
                        + "\(found.unknown.joined(separator: ", "))): this version would refuse it")
                }
                if found.recorded.isEmpty {
                    return Report(ok: true, line: "\(version); empty: the first replica to start creates the schema")
                }
                let pending = found.pending.isEmpty ? "" : "; the next start applies \(found.pending.joined(separator: ", "))"
                return Report(ok: true, line: "\(version); schema at \(found.recorded.last ?? "?")\(pending)")
            } catch {
                return Report(ok: false, line: PostgresJobStore.reason(error))
            }
        }
    }
}
