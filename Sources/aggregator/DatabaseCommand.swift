import AggregatorApp
import AggregatorCore
import ArgumentParser
import Foundation
import Logging

/// `aggregator db`: the job database.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Work with the job database (jobs, idempotency keys, audit).",
        subcommands: [Copy.self])

    /// `aggregator db copy --from sqlite:… --to postgresql://…`
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every job and audit entry from one job database into another.",
            discussion: """
                Moves a single install onto PostgreSQL: stop the server, copy, point database.url at the new \
                database, start the replicas. Records are written by id, so running it again copies only what \
                is missing; the counts are checked at the end. The PostgreSQL password is taken from the URL, \
                or from the environment variable named by --password-env (default PGPASSWORD).
                """)

        @Option(help: "The database to read: sqlite:/path/jobs.sqlite or postgresql://user@host:port/database.")
        var from: String

        @Option(help: "The database to write (migrated first), in the same forms.")
        var to: String

        @Option(help: "Environment variable holding the PostgreSQL password, when the URL has none.")
        var passwordEnv = "PGPASSWORD"

        @Option(help: "TLS towards PostgreSQL: disable, prefer or require.")
        var tls = "prefer"

        @Option(help: "Authorities that sign PostgreSQL's certificate.")
        var caFile: String?

        func run() async throws {
            try await reportingConfigurationErrors {
                var settings = DatabaseSettings()
                guard let mode = DatabaseSettings.TLSMode(rawValue: tls) else {
                    throw ConfigurationFailure(lines: ["--tls: must be disable, prefer or require, found '\(tls)'"])
                }
                settings.tls = mode
                settings.caFile = caFile
                let source = try url(from, option: "--from")
                if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
                    throw ConfigurationFailure(lines: ["--from: \(path) does not exist (fix: name the install's jobs.sqlite, "
                        + "by default in its data_dir)"])
                }
                let target = try url(to, option: "--to")
                if source == target {
                    throw ConfigurationFailure(lines: ["--from and --to name the same database (fix: name two different ones)"])
                }
                var logger = Logger(label: "aggregator.db")
                logger.logLevel = .warning
                let report = try await DatabaseCopy.run(from: source, to: target, settings: settings, logger: logger)
                print("Copied \(source) to \(target)")
                print(report)
            }
        }

        private func url(_ text: String, option: String) throws -> DatabaseURL {
            let url: DatabaseURL
            do {
                url = try DatabaseURL.parse(text, baseDirectory: FileManager.default.currentDirectoryPath)
            } catch {
                throw ConfigurationFailure(lines: ["\(option): \(error.message) (fix: write it as \(DatabaseURL.ParseError.forms))"])
            }
            guard case .postgresql(var server) = url, server.password == nil else { return url }
            if let password = ProcessInfo.processInfo.environment[passwordEnv], !password.isEmpty {
                server.password = Secret(password)
            }
            return .postgresql(server)
        }
    }
}
