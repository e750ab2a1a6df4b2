import AggregatorCore
import Hummingbird
import Logging
import Server
import ServiceLifecycle
import UnixSignals

/// The whole application, wired in one place from a configuration: the engines and their live
/// model, the job store, the job runner, the HTTP API, and the services that run them under one
/// `ServiceGroup`. `aggregator serve`, `aggregator demo` and the tests all build it here.
///
/// ```swift
/// let app = try await AggregatorApplication.build(configuration, registry: kinds, options: options, logger: logger)
/// try await app.run()   // until SIGTERM/SIGINT or `shutdown()`
/// ```
///
/// On shutdown the services stop in reverse order: the live model's refresh services, then the job
/// runner (running jobs are cancelled and recorded `interrupted` with the steps they finished),
/// then the listener (requests in flight, a `?wait=` among them, answer with the jobs' recorded
/// states); last, every engine is logged out of.
public struct AggregatorApplication: Sendable {
    /// How the application listens and stops; the configuration supplies the rest.
    public struct Options: Sendable {
        /// Address to listen on; nil takes `server.host`.
        public var host: String?
        /// Port to listen on (0 picks a free one); nil takes `server.port`.
        public var port: Int?
        /// Directory of the job database; nil takes `data_dir`.
        public var dataDirectory: String?
        /// Most jobs running at once on one engine; nil takes `server.jobs_per_engine`.
        public var jobsPerEngine: Int?
        /// Serve without authentication on a non-loopback address (`--insecure-no-auth`).
        public var insecureNoAuth = false
        /// Signals that start a graceful shutdown; tests pass none and call ``shutdown()``.
        public var shutdownSignals: [UnixSignal] = [.sigterm, .sigint]
        /// How long a graceful shutdown may take before what still runs is cancelled.
        public var shutdownGrace: Duration = .seconds(10)
        /// Export Prometheus metrics at `/metrics` (one registry per process: tests leave it off).
        public var metrics = true
        /// The clock that bounds `?wait=`; tests pass one they move by hand.
        public var clock: any Clock<Duration> = ContinuousClock()

        public init(host: String? = nil, port: Int? = nil, dataDirectory: String? = nil, jobsPerEngine: Int? = nil,
                    insecureNoAuth: Bool = false) {
            self.host = host
            self.port = port
            self.dataDirectory = dataDirectory
            self.jobsPerEngine = jobsPerEngine
            self.insecureNoAuth = insecureNoAuth
        }
    }

    /// The engines and the live model the API answers from.
    public let inventory: EngineSet
    /// Where jobs, idempotency keys and the audit trail are recorded.
    public let store: any JobStore
    /// Runs accepted jobs on their engines.
    public let runner: JobRunner
    /// Who may call what, and where the audit trail goes.
    public let access: AccessControl
    private let maxUploadBytes: Int
    private let operations: OperationSettings
    private let group: ServiceGroup

    /// Builds the application for `configuration` (secrets resolved).
    /// - Parameters:
    ///   - registry: The backend kinds this build knows.
    ///   - onServerRunning: Called with the bound port once the listener accepts connections.
    /// - Throws: ``ConfigurationFailure`` for anything the configuration gets wrong (an engine no
    ///   kind can build, an unreadable JWKS file, an unauthenticated public listener, a job
    ///   database that cannot be opened).
    public static func build(
        _ configuration: AggregatorConfiguration, registry: BackendRegistry, options: Options = Options(),
        logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> AggregatorApplication {
        let server = configuration.server
        let host = options.host ?? server.host
        let access = try await ListenerAccess.make(
            configuration.auth, host: host, server: server, insecureNoAuth: options.insecureNoAuth, logger: logger)
        let inventory = try EngineFactory.make(configuration, registry: registry, logger: logger)
        let database: JobDatabase.Opened
        do {
            let location = configuration.database.location(
                dataDirectory: options.dataDirectory ?? configuration.dataDirectory)
            database = try await JobDatabase.open(location, settings: configuration.database, logger: logger)
        } catch {
            await EngineFactory.shutdown(inventory)
            throw error
        }
        let store = database.store
        let replica = ReplicaSettings(name: configuration.database.replicaName, lease: configuration.database.lease)
        let runner = JobRunner(store: store, inventory: inventory,
                               perEngineLimit: options.jobsPerEngine ?? server.jobsPerEngine, replica: replica,
                               logger: logger, clock: options.clock)
        let settings = AggregatorServer.Settings(
            host: host, port: options.port ?? server.port, maxUploadBytes: server.maxUploadBytes,
            limits: ConnectionLimits(maxConnections: server.maxConnections, idleTimeout: server.idleTimeout,
                                     headerTimeout: server.headerTimeout, requestTimeout: server.requestTimeout,
                                     lingeringTime: server.lingeringTime, lingeringBytes: server.lingeringBytes))
        let http = AggregatorServer.buildApplication(
            inventory: inventory, jobs: runner, settings: settings, access: access,
            metrics: options.metrics ? ServerMetrics.bootstrap() : nil, operations: configuration.operations, logger: logger,
            onServerRunning: { port in
                logger.notice("Serving", metadata: [
                    "http.address": "http://\(settings.host):\(port)",
                    "backend.count": "\(inventory.backends.count)",
                    "database": "\(store.health.kind)", "replica.name": "\(replica.name)",
                ])
                await onServerRunning(port)
            })
        // Started in this order and stopped in reverse (see the type's documentation).
        // The database's connections are stopped last, after everything that records jobs.
        var groupConfiguration = ServiceGroupConfiguration(
            services: (database.service.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? [])
                + [.init(service: http), .init(service: JobRunnerService(runner: runner))]
                + inventory.model.services.map { .init(service: $0) },
            gracefulShutdownSignals: options.shutdownSignals,
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = options.shutdownGrace
        return AggregatorApplication(inventory: inventory, store: store, runner: runner, access: access,
                                     maxUploadBytes: settings.maxUploadBytes, operations: configuration.operations,
                                     group: ServiceGroup(configuration: groupConfiguration))
    }

    /// Runs every service until a shutdown signal or ``shutdown()``, then logs out of every engine.
    public func run() async throws {
        do {
            try await group.run()
        } catch {
            await EngineFactory.shutdown(inventory)
            throw error
        }
        await EngineFactory.shutdown(inventory)
    }

    /// Starts a graceful shutdown, as SIGTERM does; ``run()`` returns once it is complete.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// Runs the application for the duration of `body`, then shuts it down gracefully and waits
    /// until it has stopped, on every path.
    public func withRunning<T: Sendable>(_ body: @Sendable (AggregatorApplication) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await self.run()
                return nil
            }
            let result: T
            do {
                result = try await body(self)
            } catch {
                await shutdown()
                try await group.waitForAll()
                throw error
            }
            await shutdown()
            try await group.waitForAll()
            return result
        }
    }

    /// The application's routes over its engines, job runner and access rules, for tests that
    /// drive requests without a socket (the listener serves the same routes).
    public func router() -> Router<APIRequestContext> {
        AggregatorServer.buildRouter(inventory: inventory, jobs: runner, maxUploadBytes: maxUploadBytes, access: access,
                                     operations: operations)
    }
}
