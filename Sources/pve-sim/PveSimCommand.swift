import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ProxmoxSimulator
import ServiceLifecycle
import UnixSignals

/// Runs one or more simulated Proxmox VE clusters, each on its own port, until SIGINT or SIGTERM.
@main
struct PveSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pve-sim",
        abstract: "Simulate Proxmox VE clusters (REST API /api2/json, PVE 8).",
        discussion: """
            Each --engine NAME:PORT serves http://127.0.0.1:PORT/api2/json (port 0 picks a free one) for a \
            cluster named NAME. Once a cluster listens, a line '<name> listening on <url>' is printed to stdout.
            """
    )

    @Option(name: .customLong("engine"), help: "A cluster as NAME:PORT; repeat for more clusters.")
    var engines: [String] = []

    @Option(name: .customLong("nodes"), help: "Nodes seeded per cluster (pve1 … pveN).")
    var nodeCount = 3

    @Option(name: .customLong("vms"), help: "Ordinary VMs seeded per cluster (templates come on top).")
    var vmCount = 20

    @Option(name: .customLong("task-ms"), help: "How long a task (clone, start, config, …) runs, in milliseconds.")
    var taskMilliseconds = 300

    @Option(name: .customLong("agent-ms"), help: "How long after a start the guest agent answers, in milliseconds.")
    var agentMilliseconds = 1000

    @Option(name: .customLong("latency-ms"), help: "Delay added to every request, in milliseconds.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("ticket-lifetime-s"), help: "How long a login ticket stays valid, in seconds.")
    var ticketLifetimeSeconds = 7200

    @Option(name: .customLong("user"), help: "The account POST /access/ticket accepts.")
    var user = "root@pam"

    @Option(name: .customLong("password"), help: "The password of that account.")
    var password = "admin"

    @Option(name: .customLong("token"), help: "An API token as USER@REALM!TOKENID=SECRET; repeatable (default: root@pam!aggregator with a fixed secret).")
    var tokens: [String] = []

    @Option(name: .customLong("pool"), help: "A resource pool that exists (clone's 'pool' parameter names one); repeatable.")
    var pools: [String] = []

    @Option(name: .customLong("tls-cert"), help: "PEM certificate; with --tls-key, serve HTTPS.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("fault"), help: "Inject a fault as METHOD:PATH:STATUS[:COUNT] (PATH below /api2/json or full, exact or a prefix ending in '*'; COUNT 0 for every request); repeatable.")
    var faults: [String] = []

    @Flag(name: .customLong("print-config"), help: "Print a matching backends.yaml and exit.")
    var printConfig = false

    func validate() throws {
        guard !engines.isEmpty else { throw ValidationError("Give at least one --engine NAME:PORT.") }
        _ = try parsedOptions()
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together.")
        }
        guard nodeCount >= 1, vmCount >= 0, taskMilliseconds >= 0, agentMilliseconds >= 0, latencyMilliseconds >= 0,
            ticketLifetimeSeconds > 0
        else {
            throw ValidationError("--nodes must be at least 1; --vms, --task-ms, --agent-ms and --latency-ms must not be negative; --ticket-lifetime-s must be positive.")
        }
    }

    func parsedOptions() throws -> [SimulatedProxmoxOptions] {
        let rules = try faults.map { spec in
            guard let rule = ProxmoxFaultRule(commandLine: spec) else {
                throw ValidationError("Fault '\(spec)' is not METHOD:PATH:STATUS[:COUNT].")
            }
            return rule
        }
        let apiTokens = try tokens.map { spec in
            guard let token = SimulatedProxmoxAPIToken(commandLine: spec) else {
                throw ValidationError("Token '\(spec)' is not USER@REALM!TOKENID=SECRET.")
            }
            return token
        }
        var seen: Set<String> = []
        return try engines.map { spec in
            guard let colon = spec.lastIndex(of: ":"), let port = Int(spec[spec.index(after: colon)...]),
                (0...65535).contains(port), colon != spec.startIndex
            else {
                throw ValidationError("Engine '\(spec)' is not NAME:PORT.")
            }
            let name = String(spec[..<colon])
            guard seen.insert(name).inserted else { throw ValidationError("Engine name '\(name)' is given twice.") }
            var options = SimulatedProxmoxOptions(name: name)
            options.port = port
            options.nodeCount = nodeCount
            options.vmCount = vmCount
            options.taskDelay = .milliseconds(taskMilliseconds)
            options.guestAgentDelay = .milliseconds(agentMilliseconds)
            options.latency = .milliseconds(latencyMilliseconds)
            options.ticketLifetime = .seconds(ticketLifetimeSeconds)
            options.username = user
            options.password = password
            if !apiTokens.isEmpty { options.apiTokens = apiTokens }
            options.pools = pools
            options.tlsCertificatePath = tlsCertificate
            options.tlsKeyPath = tlsKey
            options.faults = rules
            return options
        }
    }

    func run() async throws {
        let allOptions = try parsedOptions()
        if printConfig {
            var yaml = "backends:\n"
            for options in allOptions {
                let token = options.apiTokens.first?.tokenID ?? options.username
                yaml += """
                      - name: \(options.name)
                        type: proxmox
                        url: \(options.apiURL(port: options.port))
                        username: \(token)
                        password_env: PVE_TOKEN_SECRET

                    """
            }
            print(yaml, terminator: "")
            return
        }

        var logger = Logger(label: "pve-sim")
        logger.logLevel = .notice
        var services: [any Service] = []
        for options in allOptions {
            let application = try ProxmoxSimulatorApplication.buildApplication(options, logger: logger) { port in
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
