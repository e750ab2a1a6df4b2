import ArgumentParser
import Foundation
import Hummingbird
import Logging
import OvirtSimulator
import ServiceLifecycle
import UnixSignals

/// Runs one or more simulated oVirt engines, each on its own port, until SIGINT or SIGTERM.
@main
struct OvirtSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ovirt-sim",
        abstract: "Simulate oVirt / RED Virtualization engines (REST API v4).",
        discussion: """
            Each --engine NAME:PORT serves http://127.0.0.1:PORT/ovirt-engine/api (port 0 picks a free one). \
            Once an engine listens, a line '<name> listening on <url>' is printed to stdout.
            """
    )

    @Option(name: .customLong("engine"), help: "An engine as NAME:PORT; repeat for more engines.")
    var engines: [String] = []

    @Option(name: .customLong("vms"), help: "VMs seeded per engine.")
    var vmCount = 20

    @Option(name: .customLong("hosts"), help: "Hosts seeded per engine.")
    var hostCount = 3

    @Option(name: .customLong("latency-ms"), help: "Delay added to every request, in milliseconds.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("user"), help: "The account accepted by SSO and Basic auth.")
    var user = "admin@internal"

    @Option(name: .customLong("password"), help: "The password of that account.")
    var password = "admin"

    @Option(name: .customLong("tls-cert"), help: "PEM certificate; with --tls-key, serve HTTPS.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("async-ms"), help: "Base delay of asynchronous engine work (VM creation, disk locks, each start state), in milliseconds.")
    var asyncMilliseconds = 300

    @Option(name: .customLong("fault"), help: "Inject a fault as METHOD:PATH:STATUS[:COUNT] (PATH exact, or a prefix ending in '*'; COUNT 0 for every request); repeatable.")
    var faults: [String] = []

    @Option(name: .customLong("guest-ip-delay"), help: "How long a VM that goes up waits before its guest agent reports its addresses (500ms, 5s, 1m); 0 reports at once.")
    var guestIPDelay = "0"

    @Option(name: .customLong("render-cache-mb"), help: "Rendered VM text kept for reuse per engine, in MiB; 0 renders every request afresh.")
    var renderCacheMegabytes = 128

    @Flag(name: .customLong("print-config"), help: "Print a matching backends.yaml and exit.")
    var printConfig = false

    func validate() throws {
        guard !engines.isEmpty else { throw ValidationError("Give at least one --engine NAME:PORT.") }
        _ = try parsedOptions()
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together.")
        }
        guard vmCount >= 0, hostCount >= 0, latencyMilliseconds >= 0, asyncMilliseconds >= 0, renderCacheMegabytes >= 0 else {
            throw ValidationError("--vms, --hosts, --latency-ms, --async-ms and --render-cache-mb must not be negative.")
        }
    }

    func parsedOptions() throws -> [SimulatedEngineOptions] {
        let rules = try faults.map { spec in
            guard let rule = FaultRule(commandLine: spec) else {
                throw ValidationError("Fault '\(spec)' is not METHOD:PATH:STATUS[:COUNT].")
            }
            return rule
        }
        guard let guestIPDelay = SimulatedEngineOptions.parseDuration(guestIPDelay) else {
            throw ValidationError("--guest-ip-delay '\(self.guestIPDelay)' is not a duration such as 500ms, 5s or 1m.")
        }
        var seen: Set<String> = []
        let engines = try self.engines.map { spec in
            guard let colon = spec.lastIndex(of: ":"), let port = Int(spec[spec.index(after: colon)...]),
                (0...65535).contains(port), colon != spec.startIndex
            else {
                throw ValidationError("Engine '\(spec)' is not NAME:PORT.")
            }
            let name = String(spec[..<colon])
            guard seen.insert(name).inserted else { throw ValidationError("Engine name '\(name)' is given twice.") }
            var options = SimulatedEngineOptions(name: name)
            options.port = port
            options.vmCount = vmCount
            options.hostCount = hostCount
            options.latency = .milliseconds(latencyMilliseconds)
            options.username = user
            options.password = password
            options.tlsCertificatePath = tlsCertificate
            options.tlsKeyPath = tlsKey
            options.asyncDelay = .milliseconds(asyncMilliseconds)
            options.faults = rules
            options.renderCacheBytes = renderCacheMegabytes << 20
            options.guestIPDelay = guestIPDelay
            return options
        }
        // Engines whose names would give them the same addresses get other blocks.
        return SimulatedEngineOptions.resolvingAddressConflicts(engines)
    }

    func run() async throws {
        let allOptions = try parsedOptions()
        if printConfig {
            var yaml = "backends:\n"
            for options in allOptions {
                yaml += """
                      - name: \(options.name)
                        type: ovirt
                        url: \(options.apiURL(port: options.port))
                        username: \(options.username)
                        password_env: OVIRT_SIM_PASSWORD

                    """
            }
            print(yaml, terminator: "")
            return
        }

        var logger = Logger(label: "ovirt-sim")
        logger.logLevel = .notice
        var services: [any Service] = []
        for options in allOptions {
            let application = try OvirtSimulatorApplication.buildApplication(options, logger: logger) { port in
                // Written unbuffered: scripts wait for this line.
                let line = "\(options.name) listening on \(options.apiURL(port: port))\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            services.append(application)
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
}
