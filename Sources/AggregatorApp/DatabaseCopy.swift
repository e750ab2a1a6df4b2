import AggregatorCore
import Logging
import PostgresJobStore
import SQLiteJobStore

/// `aggregator db copy`: every job and audit entry of one job database written into another (an
/// SQLite install moving to PostgreSQL), by id, so running it again adds nothing; then checked by
/// counting.
public enum DatabaseCopy {
    /// What a copy found and did.
    public struct Report: Sendable, CustomStringConvertible {
        public var sourceJobs = 0
        public var sourceAudit = 0
        public var copiedJobs = 0
        public var copiedAudit = 0
        public var targetJobs = 0
        public var targetAudit = 0

        public var description: String {
            """
            jobs:  \(sourceJobs) in the source, \(copiedJobs) copied now, \(sourceJobs - copiedJobs) already there; \
            \(targetJobs) in the target
            audit: \(sourceAudit) in the source, \(copiedAudit) copied now, \(sourceAudit - copiedAudit) already there; \
            \(targetAudit) in the target
            """
        }
    }

    /// Records of the source the target does not hold after the copy.
    public struct VerificationFailed: Error, CustomStringConvertible {
        public var report: Report
        /// Jobs the target refused: it holds another active job for the same document, engine and
        /// target (a database that was already in use).
        public var missingJobs: [String]
        public var missingAudit: [String]
        public var description: String {
            var text = "the copy is incomplete: "
            if !missingJobs.isEmpty {
                text += "\(missingJobs.count) jobs are not in the target (\(missingJobs.prefix(5).joined(separator: ", "))"
                    + (missingJobs.count > 5 ? ", …" : "") + "); "
            }
            if !missingAudit.isEmpty { text += "\(missingAudit.count) audit entries are not in the target; " }
            return text + "\(report) (fix: copy into an empty database: the target already holds active jobs "
                + "for the same documents and VMs)"
        }
    }

    /// Records read and written at a time.
    static let page = 200

    /// Copies `source` into `target` (migrated first).
    /// - Throws: ``ConfigurationFailure`` when either cannot be opened, ``VerificationFailed`` when
    ///   the counts do not add up, or the store's error.
    public static func run(from source: DatabaseURL, to target: DatabaseURL, settings: DatabaseSettings = DatabaseSettings(),
                           logger: Logger) async throws -> Report {
        try await withArchive(source, settings: settings, logger: logger) { from in
            try await withArchive(target, settings: settings, logger: logger) { to in
                try await copy(from: from, to: to)
            }
        }
    }

    /// Copies every job and audit entry of `source` that `target` lacks, a page at a time, and
    /// checks that the target then holds every one of them, by id.
    public static func copy(from source: any JobArchive, to target: any JobArchive) async throws -> Report {
        var report = Report()
        (report.sourceJobs, report.sourceAudit) = try await source.counts()
        var missingJobs: [String] = []
        var missingAudit: [String] = []
        var after: String?
        while true {
            let jobs = try await source.jobs(after: after, limit: page)
            guard let last = jobs.last else { break }
            report.copiedJobs += try await target.importJobs(jobs)
            let present = try await target.existingJobIDs(jobs.map(\.id))
            missingJobs += jobs.map(\.id).filter { !present.contains($0) }
            after = last.id
        }
        after = nil
        while true {
            let entries = try await source.auditEntries(after: after, limit: page)
            guard let last = entries.last else { break }
            report.copiedAudit += try await target.importAuditEntries(entries)
            let present = try await target.existingAuditIDs(entries.map(\.id))
            missingAudit += entries.map(\.id).filter { !present.contains($0) }
            after = last.id
        }
        (report.targetJobs, report.targetAudit) = try await target.counts()
        guard missingJobs.isEmpty, missingAudit.isEmpty else {
            throw VerificationFailed(report: report, missingJobs: missingJobs, missingAudit: missingAudit)
        }
        return report
    }

    /// Opens `location` as an archive for the duration of `body` (PostgreSQL's connections run
    /// meanwhile). An SQLite source's unfinished jobs are copied as they are, not marked.
    static func withArchive<T: Sendable>(_ location: DatabaseURL, settings: DatabaseSettings, logger: Logger,
                                         _ body: @escaping @Sendable (any JobArchive) async throws -> T) async throws -> T {
        switch location {
        case .sqlite(let path):
            return try await body(try await JobDatabase.openSQLite(path, logger: logger, markingInterrupted: false))
        case .postgresql(let server):
            let store = try await JobDatabase.openPostgres(server, settings: settings, logger: logger, waiting: false)
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await store.run()
                    return nil
                }
                defer { group.cancelAll() }
                let result = try await body(store)
                return result
            }
        }
    }
}
