import AggregatorApp
import ArgumentParser

/// `aggregator serve`: the HTTP API over the configured engines.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the HTTP API over the engines in the configuration file.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Address to listen on (overrides server.host).")
    var host: String?

    @Option(help: "Port to listen on (overrides server.port; default 6299).")
    var port: Int?

    @Option(help: "Directory for the job database (overrides data_dir).")
    var dataDir: String?

    @Flag(help: "Serve without authentication on a non-loopback address (anyone who reaches the port can create VMs).")
    var insecureNoAuth = false

    func run() async throws {
        try await reportingConfigurationErrors {
            let logger = options.makeLogger()
            let configuration = try options.loadConfiguration(resolveSecrets: true)
            let app = try await AggregatorApplication.build(
                configuration, registry: BackendKinds.registry(),
                options: .init(host: host, port: port, dataDirectory: dataDir, insecureNoAuth: insecureNoAuth),
                logger: logger)
            try await app.run()
        }
    }
}
