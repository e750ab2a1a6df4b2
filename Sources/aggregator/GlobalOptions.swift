import AggregatorApp
import AggregatorCore
import ArgumentParser
import Foundation
import Logging
import Synchronization

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "backends.yaml"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(name: .long, help: "Log format: text (one readable line per event) or json (one JSON object per line, for log shippers).")
    var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    /// Sets up logging to standard error and returns the root logger.
    func makeLogger(label: String = "aggregator") -> Logger {
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        LoggingBootstrap.once(level: level, format: logFormat)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }

    /// Loads and validates the configuration, printing every problem on failure.
    /// - Parameter database: Resolve the job database's settings and password too (every command
    ///   that opens or checks it).
    func loadConfiguration(resolveSecrets: Bool, database: Bool = true) throws -> AggregatorConfiguration {
        let registry = BackendKinds.registry()
        let loader = ConfigurationLoader(knownKinds: registry.kinds, defaultUsernames: registry.defaultUsernames)
        do {
            let configuration = try loader.load(path: config)
            for warning in configuration.warnings {
                FileHandle.standardError.write(Data("configuration warning: \(warning)\n".utf8))
            }
            return resolveSecrets ? try configuration.resolvingSecrets(database: database) : configuration
        } catch let error as ConfigurationErrors {
            throw ConfigurationFailure(lines: error.errors.map(\.description))
        } catch let error as ConfigurationError {
            throw ConfigurationFailure(lines: [error.description])
        }
    }
}

/// Bootstraps swift-log exactly once per process.
enum LoggingBootstrap {
    private static let done = Mutex(false)

    static func once(level: Logger.Level, format: GlobalOptions.LogFormat) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning configuration problems into a readable message and exit status 78.
    func reportingConfigurationErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as ConfigurationFailure {
            FileHandle.standardError.write(Data("configuration error:\n".utf8))
            for line in failure.lines {
                FileHandle.standardError.write(Data("  \(line)\n".utf8))
            }
            throw ExitCode(78)
        }
    }
}
