import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// Builds the HTTP surface of one simulated cluster, so that tests, the
/// `pve-sim` command and ``SimulatedProxmox`` all run the same thing.
public enum ProxmoxSimulatorApplication {
    /// The router serving one freshly seeded cluster, for in-process tests
    /// (`HummingbirdTesting`'s `.router` mode).
    public static func buildRouter(_ options: SimulatedProxmoxOptions) -> Router<BasicRequestContext> {
        buildRouter(state: ClusterState(options: options))
    }

    /// The router serving the cluster `admin` changes, for in-process tests
    /// that also make changes "from elsewhere":
    ///
    /// ```swift
    /// let admin = SimulatedProxmoxAdmin(options)
    /// let app = Application(router: ProxmoxSimulatorApplication.buildRouter(admin))
    /// try admin.setNodeOnline("pve2", false)
    /// ```
    public static func buildRouter(_ admin: SimulatedProxmoxAdmin) -> Router<BasicRequestContext> {
        buildRouter(state: admin.state)
    }

    static func buildRouter(state: ClusterState) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProxmoxLatencyMiddleware(latency: state.options.latency))
        ProxmoxAPIController(state: state).addRoutes(to: router)
        ProxmoxAdminController(admin: SimulatedProxmoxAdmin(state: state)).addRoutes(to: router)
        return router
    }

    /// The application serving one simulated cluster on `options.host:options.port`,
    /// over TLS when a certificate and key are configured.
    ///
    /// - Parameters:
    ///   - options: The cluster to simulate.
    ///   - logger: The logger the server uses.
    ///   - onServerRunning: Called with the bound port once the server listens.
    /// - Returns: An application to run directly or inside a `ServiceGroup`.
    public static func buildApplication(
        _ options: SimulatedProxmoxOptions,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        try buildApplication(state: ClusterState(options: options), logger: logger, onServerRunning: onServerRunning)
    }

    static func buildApplication(
        state: ClusterState,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> some ApplicationProtocol {
        let options = state.options
        // Custom reason phrases (the API's error messages) survive the HTTP/1 encoding.
        let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ReasonPhraseCarrier()]))
        var server = http1
        if let certificatePath = options.tlsCertificatePath, let keyPath = options.tlsKeyPath {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(key)
            )
            // A client holding an idle connection rarely answers close_notify; do not
            // let it hold up a shutdown for NIOSSL's default 5 s.
            tls.shutdownTimeout = .milliseconds(250)
            server = try .tls(http1, tlsConfiguration: tls)
        }
        return Application(
            router: buildRouter(state: state),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port)),
            onServerRunning: { channel in
                await onServerRunning(channel.localAddress?.port ?? options.port)
            },
            logger: logger
        )
    }
}

/// Adds the configured latency to every request.
struct ProxmoxLatencyMiddleware<Context: RequestContext>: RouterMiddleware {
    let latency: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if latency > .zero {
            try await Task.sleep(for: latency)
        }
        return try await next(request, context)
    }
}
