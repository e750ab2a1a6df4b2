import ServiceLifecycle
import Logging

/// The admin side of one simulator kind: it owns the simulated state, makes
/// changes "from elsewhere", and builds the application serving that state.
///
/// ``RunningSimulator`` starts any conforming kind the same way.
public protocol SimulatorAdministration: Sendable {
    /// What configures one simulator of this kind.
    associatedtype Options: SimulatorOptions
    /// The service ``buildApplication(logger:onServerRunning:)`` returns.
    associatedtype Application: Service

    /// A freshly seeded simulator state described by `options`.
    init(_ options: Options)

    /// The application serving this admin's state on the options' host and port.
    ///
    /// - Parameters:
    ///   - logger: The logger the server uses.
    ///   - onServerRunning: Called with the bound port once the server listens.
    /// - Throws: When the TLS files cannot be read.
    func buildApplication(
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void
    ) throws -> Application
}
