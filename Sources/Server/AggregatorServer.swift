import AggregatorCore
import Hummingbird
import HummingbirdCore
import Logging
import Prometheus
import WebUI

/// Builds the HTTP API over an ``EngineSet``, exactly as `aggregator serve` runs it.
public enum AggregatorServer {
    /// Settings of the HTTP listener.
    public struct Settings: Sendable {
        /// Address to bind. Defaults to `127.0.0.1`.
        public var host: String = "127.0.0.1"
        /// Port to bind; 0 picks a free one. Defaults to 6299.
        public var port: Int = 6299
        /// Largest accepted upload in bytes. Defaults to 1 MiB.
        public var maxUploadBytes: Int = 1 << 20
        /// Connection count and timeouts of the listener (see ``ConnectionLimits``).
        public var limits = ConnectionLimits()
        public init(host: String = "127.0.0.1", port: Int = 6299, maxUploadBytes: Int = 1 << 20,
                    limits: ConnectionLimits = ConnectionLimits()) {
            self.host = host
            self.port = port
            self.maxUploadBytes = maxUploadBytes
            self.limits = limits
        }
    }

    /// The router with every route; tests drive it without sockets.
    /// - Parameter jobs: The job runner for create endpoints; without it they are not served.
    /// - Parameter access: Who may call what, and where the audit trail goes; by default no
    ///   authentication, auditing to the job store.
    /// - Parameter metrics: The Prometheus registry `/metrics` exports (see ``ServerMetrics``);
    ///   without it neither requests are measured nor `/metrics` served.
    /// - Parameter operations: Bulk limits and the role a delete needs.
    public static func buildRouter(inventory: EngineSet, jobs: JobRunner? = nil, maxUploadBytes: Int = 1 << 20,
                                   access: AccessControl = .open(), metrics: PrometheusCollectorRegistry? = nil,
                                   operations: OperationSettings = OperationSettings())
        -> Router<APIRequestContext>
    {
        let router = Router(context: APIRequestContext.self, options: .autoGenerateHeadEndpoints)
        let routes = RouteTable()
        router.add(middleware: ResponseHeadersMiddleware())
        router.add(middleware: ClientAddressMiddleware(trustedProxies: access.trustedProxies))
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorBodyMiddleware())
        router.add(middleware: MethodCheckMiddleware(table: routes))
        if metrics != nil { router.add(middleware: MetricsMiddleware()) }
        addAccessControl(access, jobs: jobs, to: router)
        IndexController(inventory: inventory, jobStore: jobs?.store, web: WebController()).addRoutes(to: router)
        WebController().addRoutes(to: router)
        OpenAPIController().addRoutes(to: router)
        if let metrics { MetricsController(inventory: inventory, registry: metrics).addRoutes(to: router) }
        InventoryController(inventory: inventory).addRoutes(to: router.group("api/v1"))
        IdentityController(operations: operations).addRoutes(to: router)
        SeedController(inventory: inventory).addRoutes(to: router)
        if let jobs {
            ProvisioningController(inventory: inventory, runner: jobs, maxUploadBytes: maxUploadBytes)
                .addRoutes(to: router)
            OperationsController(inventory: inventory, runner: jobs, settings: operations).addRoutes(to: router)
        }
        routes.fill(router.routes.map { ("\($0.path)", $0.method) })
        return router
    }

    /// The application: router plus listener.
    /// - Parameter onServerRunning: Called with the bound port once listening.
    public static func buildApplication(
        inventory: EngineSet, jobs: JobRunner? = nil, settings: Settings, access: AccessControl = .open(),
        metrics: PrometheusCollectorRegistry? = nil, operations: OperationSettings = OperationSettings(), logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let limits = settings.limits
        let registry = connectionRegistry(limits, logger: logger)
        return Application(
            router: buildRouter(inventory: inventory, jobs: jobs, maxUploadBytes: settings.maxUploadBytes,
                                access: access, metrics: metrics, operations: operations),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [ConnectionGuardHandler(limits: limits, registry: registry, logger: logger),
                                            ErrorAnswerChannelHandler()])),
            configuration: .init(
                address: .hostname(settings.host, port: settings.port), serverName: "vmaggregator",
                // A ceiling for connections still closing after eviction: beyond it the listener stops
                // accepting (clients wait in the backlog) rather than run out of file descriptors.
                availableConnectionsDelegate: MaximumAvailableConnections(registry.limit + 64, logger: logger)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }

    /// Raises the open-file limit where allowed and sizes the connection registry below it.
    static func connectionRegistry(_ limits: ConnectionLimits, logger: Logger) -> ConnectionRegistry {
        let openFiles = OpenFileLimit.raise()
        let maxConnections = limits.effectiveMaxConnections(openFiles: openFiles)
        if maxConnections < limits.maxConnections {
            logger.warning("max_connections lowered to fit the open-file limit", metadata: [
                "http.max_connections": "\(maxConnections)", "process.open_files": "\(openFiles)",
                "fix": "raise the service's open-file limit (LimitNOFILE=) or lower server.max_connections",
            ])
        }
        return ConnectionRegistry(limit: maxConnections)
    }
}
