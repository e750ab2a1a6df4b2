import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// Builds the Hummingbird application of one simulator, so that tests, the
/// command line and ``SimulatorServer`` all run the same thing.
public enum SimulatorApplication {
    /// The application serving `router` on `host:port`, over TLS when `tls` is given.
    ///
    /// - Parameters:
    ///   - router: The simulator's routes.
    ///   - http1: The HTTP/1 server (with any extra channel handlers). Defaults to plain `.http1()`.
    ///   - host: The address to listen on.
    ///   - port: The port to listen on; 0 picks a free one.
    ///   - tls: The certificate and key; nil serves plain HTTP.
    ///   - serverName: The `Server` header, if any.
    ///   - logger: The logger the server uses.
    ///   - onServerRunning: Called with the bound port once the server listens.
    /// - Returns: An application to run directly or inside a `ServiceGroup`.
    public static func build(
        router: Router<BasicRequestContext>,
        http1: HTTPServerBuilder = .http1(),
        host: String,
        port: Int,
        tls: SimulatorTLS?,
        serverName: String? = nil,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> some ApplicationProtocol {
        let server = try tls.map { try HTTPServerBuilder.tls(http1, tlsConfiguration: $0.configuration) } ?? http1
        return Application(
            router: router,
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in
                await onServerRunning(channel.localAddress?.port ?? port)
            },
            logger: logger
        )
    }
}

extension SimulatorApplication {
    /// A router that first delays every request by `latency` (as a distant
    /// engine would), then serves what `addRoutes` adds.
    ///
    /// - Parameters:
    ///   - latency: The delay added to each request; zero adds none.
    ///   - addRoutes: Adds the simulator's own middleware and routes.
    /// - Returns: The router of one simulator.
    public static func buildRouter(
        latency: Duration,
        _ addRoutes: (Router<BasicRequestContext>) -> Void
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SimulatedLatencyMiddleware(latency: latency))
        addRoutes(router)
        return router
    }
}
