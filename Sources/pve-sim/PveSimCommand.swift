import ArgumentParser
import ProxmoxSimulator
import SimulatorSupport

/// Runs one or more simulated Proxmox VE clusters, each on its own port, until SIGINT or SIGTERM.
@main
struct PveSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pve-sim",
        abstract: "Simulate Proxmox VE clusters (REST API /api2/json, PVE 8).",
        discussion: """
            Each --engine NAME:PORT serves http://127.0.0.1:PORT/api2/json (port 0 picks a free one) for a \
            cluster named NAME. Once a cluster listens, a line '<name> listening on <url>' is printed to stdout. \
            A --fault PATH is below /api2/json or full.
            """
    )

    @OptionGroup var common: SimulatorCommandOptions

    @Option(name: .customLong("nodes"), help: "Nodes seeded per cluster (pve1 … pveN).")
    var nodeCount = 3

    @Option(name: .customLong("vms"), help: "Ordinary VMs seeded per cluster (templates come on top).")
    var vmCount = 20

    @Option(name: .customLong("task-ms"), help: "How long a task (clone, start, config, …) runs, in milliseconds.")
    var taskMilliseconds = 300

    @Option(name: .customLong("agent-ms"), help: "How long after a start the guest agent answers, in milliseconds.")
    var agentMilliseconds = 1000

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

    func validate() throws {
        _ = try parsedOptions()
        guard nodeCount >= 1, vmCount >= 0, taskMilliseconds >= 0, agentMilliseconds >= 0, ticketLifetimeSeconds > 0 else {
            throw ValidationError("--nodes must be at least 1; --vms, --task-ms, --agent-ms and --latency-ms must not be negative; --ticket-lifetime-s must be positive.")
        }
    }

    func parsedOptions() throws -> [SimulatedProxmoxOptions] {
        let rules = try common.faultRules(SimulatedProxmoxFaultRule.init(commandLine:))
        let apiTokens = try tokens.map { spec in
            guard let token = SimulatedProxmoxAPIToken(commandLine: spec) else {
                throw ValidationError("Token '\(spec)' is not USER@REALM!TOKENID=SECRET.")
            }
            return token
        }
        return try common.endpoints().map { endpoint in
            var options = SimulatedProxmoxOptions(name: endpoint.name)
            options.port = endpoint.port
            options.nodeCount = nodeCount
            options.vmCount = vmCount
            options.taskDelay = .milliseconds(taskMilliseconds)
            options.guestAgentDelay = .milliseconds(agentMilliseconds)
            options.latency = common.latency
            options.ticketLifetime = .seconds(ticketLifetimeSeconds)
            options.username = user
            options.password = password
            if !apiTokens.isEmpty { options.apiTokens = apiTokens }
            options.pools = pools
            options.tlsCertificatePath = common.tlsCertificate
            options.tlsKeyPath = common.tlsKey
            options.faults = rules
            return options
        }
    }

    func run() async throws {
        let allOptions = try parsedOptions()
        if common.printConfig {
            let backends = allOptions.map { options in
                let token = options.apiTokens.first?.tokenID ?? options.username
                return (options.name, "proxmox", options.apiURL(port: options.port), token, "PVE_TOKEN_SECRET")
            }
            print(SimulatorProcess.backendsYAML(backends), terminator: "")
            return
        }
        try await SimulatorProcess.run(
            label: "pve-sim",
            engines: allOptions.map { options in
                SimulatorProcess.Engine(name: options.name, apiURL: options.apiURL(port:)) { logger, onServerRunning in
                    try ProxmoxSimulatorApplication.buildApplication(options, logger: logger, onServerRunning: onServerRunning)
                }
            }
        )
    }
}
