/// What every simulator's options say about where and how it serves.
///
/// ``SimulatorAdministration/buildApplication(logger:onServerRunning:)``
/// and ``RunningSimulator`` read these; each simulator adds its own model settings.
public protocol SimulatorOptions: Sendable {
    /// The engine (or cluster) name, for errors and logs.
    var name: String { get }
    /// The address to listen on.
    var host: String { get }
    /// The port to listen on; 0 picks a free one.
    var port: Int { get }
    /// A delay added to every request; zero adds none.
    var latency: Duration { get }
    /// The PEM certificate to serve TLS with; TLS needs it and ``tlsKeyPath``.
    var tlsCertificatePath: String? { get }
    /// The PEM private key of ``tlsCertificatePath``.
    var tlsKeyPath: String? { get }

    /// The API's base URL when the simulator listens on `port`.
    func apiURL(port: Int) -> String
}
