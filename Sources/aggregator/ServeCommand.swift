import AggregatorCore
import ArgumentParser
import Hummingbird
import Logging
import NIOPosix
import Server
import SQLiteJobStore
import ServiceLifecycle
import UnixSignals

/// `aggregator serve`: the HTTP API over the configured engines.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the HTTP API over the engines in the configuration file.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Address to listen on (overrides server.host).")
    var host: String?

    @Option(help: "Port to listen on (overrides server.port; default 6299).")
    var port: Int?

    @Option(help: "Directory for the job database (overrides data_dir).")
    var dataDir: String?

    @Flag(help: "Serve without authentication on a non-loopback address (anyone who reaches the port can create VMs).")
    var insecureNoAuth = false

    func run() async throws {
        try await reportingConfigurationErrors {
            let logger = options.makeLogger()
            let configuration = try options.loadConfiguration(resolveSecrets: true)
            let access = try await ListenerAccess.make(
                configuration.auth, host: host ?? configuration.server.host, server: configuration.server,
                insecureNoAuth: insecureNoAuth,
                logger: logger)
            let inventory = try InventoryFactory.make(configuration, logger: logger)
            let server = configuration.server
            let settings = AggregatorServer.Settings(
                host: host ?? server.host, port: port ?? server.port, maxUploadBytes: server.maxUploadBytes,
                limits: ConnectionLimits(maxConnections: server.maxConnections, idleTimeout: server.idleTimeout,
                                         headerTimeout: server.headerTimeout, requestTimeout: server.requestTimeout,
                                         lingeringTime: server.lingeringTime, lingeringBytes: server.lingeringBytes))
            try await Self.serve(inventory: inventory, settings: settings,
                                 dataDirectory: dataDir ?? configuration.dataDirectory,
                                 jobsPerEngine: configuration.server.jobsPerEngine, access: access, logger: logger)
        }
    }

    /// Runs the API and the job runner until SIGINT/SIGTERM, then logs out of every engine.
    /// Jobs left queued or running by an earlier process are marked interrupted first.
    static func serve(inventory: Inventory, settings: AggregatorServer.Settings, dataDirectory: String,
                      jobsPerEngine: Int, access: AccessControl = .open(), logger: Logger) async throws {
        let databasePath = "\(dataDirectory)/jobs.sqlite"
        let store: SQLiteJobStore
        do {
            // Opening creates the directory and file and migrates: blocking I/O, so not on the cooperative pool.
            store = try await NIOThreadPool.singleton.runIfActive { try SQLiteJobStore(path: databasePath) }
        } catch {
            throw ConfigurationFailure(lines: [
                "cannot open the job database \(databasePath): \(error) "
                    + "(fix: check data_dir in the configuration, or pass --data-dir)",
            ])
        }
        if !store.appliedMigrations.isEmpty {
            logger.notice("Job database migrated forward", metadata: [
                "database.path": "\(databasePath)", "migration.from": "\(store.previousMigration ?? "new file")",
                "migration.applied": "\(store.appliedMigrations.joined(separator: ", "))",
            ])
        }
        let interrupted = try await store.markUnfinishedInterrupted()
        if interrupted > 0 {
            logger.warning("Jobs left unfinished by the previous run were marked interrupted",
                           metadata: ["job.count": "\(interrupted)"])
        }
        let runner = JobRunner(store: store, inventory: inventory, perEngineLimit: jobsPerEngine, logger: logger)
        let app = AggregatorServer.buildApplication(
            inventory: inventory, jobs: runner, settings: settings, access: access, metrics: ServerMetrics.bootstrap(),
            logger: logger,
            onServerRunning: { port in
                logger.notice("Serving", metadata: [
                    "http.address": "http://\(settings.host):\(port)",
                    "backend.count": "\(inventory.backends.count)",
                ])
            })
        // Stopped in reverse order: the live model, then the job runner (running jobs are cancelled
        // and recorded interrupted), then the listener (requests in flight, a `?wait=` among them,
        // answer with the jobs' recorded states). Whatever still runs after 10 s is cancelled.
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: JobRunnerService(runner: runner))]
                + inventory.model.services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        let group = ServiceGroup(configuration: configuration)
        do {
            try await group.run()
        } catch {
            await InventoryFactory.shutdown(inventory)
            throw error
        }
        await InventoryFactory.shutdown(inventory)
    }
}

/// Runs the job runner for as long as the server runs; on shutdown, running jobs are
/// cancelled and recorded as interrupted.
struct JobRunnerService: Service {
    let runner: JobRunner

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await runner.run()
        }
    }
}
