import AggregatorCore
import ArgumentParser
import Hummingbird
import Logging
import Server
import ServiceLifecycle
import UnixSignals

/// `aggregator serve`: the HTTP API over the configured engines.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the HTTP API over the engines in the configuration file.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Address to listen on (overrides server.host).")
    var host: String?

    @Option(help: "Port to listen on (overrides server.port; default 6299).")
    var port: Int?

    func run() async throws {
        try await reportingConfigurationErrors {
            let logger = options.makeLogger()
            let configuration = try options.loadConfiguration(resolveSecrets: true)
            let inventory = try InventoryFactory.make(configuration, logger: logger)
            let settings = AggregatorServer.Settings(
                host: host ?? configuration.server.host, port: port ?? configuration.server.port)
            try await Self.serve(inventory: inventory, settings: settings, logger: logger)
        }
    }

    /// Runs the API until SIGINT/SIGTERM, then logs out of every engine.
    static func serve(inventory: Inventory, settings: AggregatorServer.Settings, logger: Logger,
                      extraServices: [any Service] = []) async throws {
        let app = AggregatorServer.buildApplication(
            inventory: inventory, settings: settings, logger: logger,
            onServerRunning: { port in
                logger.notice("Serving", metadata: [
                    "http.address": "http://\(settings.host):\(port)",
                    "backend.count": "\(inventory.backends.count)",
                ])
            })
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app)] + extraServices.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            await InventoryFactory.shutdown(inventory)
            throw error
        }
        await InventoryFactory.shutdown(inventory)
    }
}
