import AggregatorApp
import AggregatorCore
import ArgumentParser
import Foundation

/// `aggregator check-config`: validate the configuration, optionally logging in to every engine.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration file; with --probe, log in to every engine and report its version, and reach the job database.")

    @OptionGroup var options: GlobalOptions

    @Flag(help: "Log in to every engine and report its status and API version; reach the job database and report its schema step.")
    var probe = false

    func run() async throws {
        try await reportingConfigurationErrors {
            let logger = options.makeLogger()
            let configuration = try options.loadConfiguration(resolveSecrets: true)
            // Building the backends checks what only their kinds know (`options:` keys and values)
            // without contacting any engine.
            let inventory = try EngineFactory.make(configuration, registry: BackendKinds.registry(), logger: logger)
            print("\(options.config): OK, \(configuration.backends.count) engine(s)")
            for backend in configuration.backends {
                var notes: [String] = []
                if backend.insecure { notes.append("insecure: TLS not verified") }
                if let caFile = backend.caFile { notes.append("ca_file \(caFile)") }
                let suffix = notes.isEmpty ? "" : "  (\(notes.joined(separator: "; ")))"
                print("  \(backend.name)  \(backend.kind)  \(backend.url)\(suffix)")
            }
            let database = configuration.database.location(dataDirectory: configuration.dataDirectory)
            print("  job database  \(database)")
            guard probe else {
                await EngineFactory.shutdown(inventory)
                return
            }
            let databaseReport = await JobDatabaseProbe.run(database, settings: configuration.database, logger: logger)
            let result = await inventory.probe()
            await EngineFactory.shutdown(inventory)
            print("probe:")
            for engine in result.engines {
                switch engine.outcome {
                case .success(let probes):
                    let info = probes.first
                    print("  \(engine.engine)  ok  \(info?.product ?? "?") \(info?.version ?? "?")  "
                          + "(\(engine.duration.milliseconds) ms)")
                case .failure(let error):
                    print("  \(engine.engine)  FAILED  \(error.code): \(error.message)")
                }
            }
            print("  job database  \(databaseReport.ok ? "ok" : "FAILED")  \(databaseReport.line)")
            if !result.isComplete || !databaseReport.ok { throw ExitCode(1) }
        }
    }
}
