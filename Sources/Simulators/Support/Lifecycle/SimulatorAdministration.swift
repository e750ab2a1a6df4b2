import Hummingbird
import HummingbirdCore
import Logging

/// The admin side of one simulator kind: it owns the simulated state, makes
/// changes "from elsewhere", and builds the router serving that state.
///
/// ``RunningSimulator`` starts any conforming kind the same way, through
/// ``buildApplication(logger:onServerRunning:)``.
public protocol SimulatorAdministration: Sendable {
    /// What configures one simulator of this kind.
    associatedtype Options: SimulatorOptions

    /// A freshly seeded simulator state described by `options`.
    init(_ options: Options)

    /// The options the state was seeded from.
    var options: Options { get }

    /// The `Server` header the simulator sends; nil (the default) sends none.
    static var serverName: String? { get }

    /// The HTTP/1 server, with any extra channel handlers. Defaults to plain `.http1()`.
    static var http1: HTTPServerBuilder { get }

    /// The routes serving this admin's state, after the latency middleware
    /// ``SimulatorApplication/buildRouter(latency:_:)`` adds.
    ///
    /// - Parameter tls: The TLS files loaded from the options; nil serves plain HTTP.
    func buildRouter(tls: SimulatorTLS?) -> Router<BasicRequestContext>
}

extension SimulatorAdministration {
    public static var serverName: String? { nil }

    public static var http1: HTTPServerBuilder { .http1() }

    /// The application serving this admin's state on `options.host:options.port`,
    /// over TLS when the options name a certificate and key.
    ///
    /// - Parameters:
    ///   - logger: The logger the server uses.
    ///   - onServerRunning: Called with the bound port once the server listens.
    /// - Returns: An application to run directly or inside a `ServiceGroup`.
    /// - Throws: When the TLS files cannot be read.
    public func buildApplication(
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let tls = try SimulatorTLS(certificatePath: options.tlsCertificatePath, keyPath: options.tlsKeyPath)
        return try SimulatorApplication.build(
            router: buildRouter(tls: tls),
            http1: Self.http1,
            host: options.host,
            port: options.port,
            tls: tls,
            serverName: Self.serverName,
            logger: logger,
            onServerRunning: onServerRunning
        )
    }
}
