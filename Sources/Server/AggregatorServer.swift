import AggregatorCore
import Hummingbird
import Logging

/// Builds the HTTP API over an ``Inventory``, exactly as `aggregator serve` runs it.
public enum AggregatorServer {
    /// Settings of the HTTP listener.
    public struct Settings: Sendable {
        /// Address to bind. Defaults to `127.0.0.1`.
        public var host: String = "127.0.0.1"
        /// Port to bind; 0 picks a free one. Defaults to 6299.
        public var port: Int = 6299
        /// Largest accepted upload in bytes. Defaults to 1 MiB.
        public var maxUploadBytes: Int = 1 << 20
        public init(host: String = "127.0.0.1", port: Int = 6299, maxUploadBytes: Int = 1 << 20) {
            self.host = host
            self.port = port
            self.maxUploadBytes = maxUploadBytes
        }
    }

    /// The router with every route; tests drive it without sockets.
    /// - Parameter jobs: The job runner for create endpoints; without it they are not served.
    /// - Parameter access: Who may call what, and where the audit trail goes; by default no
    ///   authentication, auditing to the job store.
    public static func buildRouter(inventory: Inventory, jobs: JobRunner? = nil, maxUploadBytes: Int = 1 << 20,
                                   access: AccessControl = .open())
        -> Router<APIRequestContext>
    {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.info))
        addAccessControl(access, jobs: jobs, to: router)
        IndexController(inventory: inventory).addRoutes(to: router)
        InventoryController(inventory: inventory).addRoutes(to: router.group("api/v1"))
        SeedController(inventory: inventory).addRoutes(to: router)
        if let jobs {
            ProvisioningController(inventory: inventory, runner: jobs, maxUploadBytes: maxUploadBytes)
                .addRoutes(to: router)
        }
        return router
    }

    /// The application: router plus listener.
    /// - Parameter onServerRunning: Called with the bound port once listening.
    public static func buildApplication(
        inventory: Inventory, jobs: JobRunner? = nil, settings: Settings, access: AccessControl = .open(),
        logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(inventory: inventory, jobs: jobs, maxUploadBytes: settings.maxUploadBytes,
                                access: access),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "vmaggregator"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }
}
