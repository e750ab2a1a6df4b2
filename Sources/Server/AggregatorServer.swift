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
        public init(host: String = "127.0.0.1", port: Int = 6299) {
            self.host = host
            self.port = port
        }
    }

    /// The router with every route; tests drive it without sockets.
    public static func buildRouter(inventory: Inventory) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.info))
        IndexController(inventory: inventory).addRoutes(to: router)
        InventoryController(inventory: inventory).addRoutes(to: router.group("api/v1"))
        SeedController(inventory: inventory).addRoutes(to: router)
        return router
    }

    /// The application: router plus listener.
    /// - Parameter onServerRunning: Called with the bound port once listening.
    public static func buildApplication(
        inventory: Inventory, settings: Settings, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(inventory: inventory),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "vmaggregator"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }
}
