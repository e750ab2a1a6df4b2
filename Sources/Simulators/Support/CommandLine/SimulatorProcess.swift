import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a simulator command's engines, each on its own port, in one
/// `ServiceGroup` until SIGINT or SIGTERM.
public enum SimulatorProcess {
    /// One engine the process serves.
    public struct Engine {
        /// The engine name, printed in its listening line.
        public var name: String
        /// The API URL for a bound port.
        public var apiURL: @Sendable (Int) -> String
        /// Builds the engine's application with the process's logger; the
        /// application calls the closure it is given with the bound port once it listens.
        public var makeApplication: (_ logger: Logger, _ onServerRunning: @escaping @Sendable (Int) async -> Void) throws -> any Service

        /// An engine called `name` at `apiURL(port)`, built by `makeApplication`.
        public init(
            name: String,
            apiURL: @escaping @Sendable (Int) -> String,
            makeApplication: @escaping (_ logger: Logger, _ onServerRunning: @escaping @Sendable (Int) async -> Void) throws -> any Service
        ) {
            self.name = name
            self.apiURL = apiURL
            self.makeApplication = makeApplication
        }
    }

    /// Serves `engines` until SIGINT or SIGTERM. Once an engine listens, the
    /// line `<name> listening on <url>` is written to stdout, unbuffered:
    /// scripts wait for it.
    ///
    /// - Parameters:
    ///   - label: The logger label (the command's name).
    ///   - engines: What to serve.
    public static func run(label: String, engines: [Engine]) async throws {
        var logger = Logger(label: label)
        logger.logLevel = .notice
        let services = try engines.map { engine in
            let name = engine.name
            let apiURL = engine.apiURL
            return try engine.makeApplication(logger) { port in
                let line = "\(name) listening on \(apiURL(port))\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// A `backends.yaml` naming each engine, for `--print-config`.
    ///
    /// - Parameter backends: Each backend's name, kind (`ovirt`, `proxmox`),
    ///   URL, user name and the environment variable holding its password.
    public static func backendsYAML(
        _ backends: [(name: String, type: String, url: String, username: String, passwordEnvironment: String)]
    ) -> String {
        var yaml = "backends:\n"
        for backend in backends {
            yaml += """
                  - name: \(backend.name)
                    type: \(backend.type)
                    url: \(backend.url)
                    username: \(backend.username)
                    password_env: \(backend.passwordEnvironment)

                """
        }
        return yaml
    }
}
