import ArgumentParser
import OvirtSimulator
import SimulatorSupport

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

    @OptionGroup var common: SimulatorCommandOptions

    @Option(name: .customLong("vms"), help: "VMs seeded per engine.")
    var vmCount = 20

    @Option(name: .customLong("hosts"), help: "Hosts seeded per engine.")
    var hostCount = 3

    @Option(name: .customLong("user"), help: "The account accepted by SSO and Basic auth.")
    var user = "admin@internal"

    @Option(name: .customLong("password"), help: "The password of that account.")
    var password = "admin"

    @Option(name: .customLong("async-ms"), help: "Base delay of asynchronous engine work (VM creation, disk locks, each start state), in milliseconds.")
    var asyncMilliseconds = 300

    @Option(name: .customLong("guest-ip-delay"), help: "How long a VM that goes up waits before its guest agent reports its addresses (500ms, 5s, 1m); 0 reports at once.")
    var guestIPDelay = "0"

    @Option(name: .customLong("render-cache-mb"), help: "Rendered VM text kept for reuse per engine, in MiB; 0 renders every request afresh.")
    var renderCacheMegabytes = 128

    func validate() throws {
        _ = try parsedOptions()
        guard vmCount >= 0, hostCount >= 0, asyncMilliseconds >= 0, renderCacheMegabytes >= 0 else {
            throw ValidationError("--vms, --hosts, --latency-ms, --async-ms and --render-cache-mb must not be negative.")
        }
    }

    func parsedOptions() throws -> [SimulatedEngineOptions] {
        let rules = try common.faultRules(SimulatedEngineFaultRule.init(commandLine:))
        guard let guestIPDelay = SimulatedEngineOptions.parseDuration(guestIPDelay) else {
            throw ValidationError("--guest-ip-delay '\(self.guestIPDelay)' is not a duration such as 500ms, 5s or 1m.")
        }
        let engines = try common.endpoints().map { endpoint in
            var options = SimulatedEngineOptions(name: endpoint.name)
            options.port = endpoint.port
            options.vmCount = vmCount
            options.hostCount = hostCount
            options.latency = common.latency
            options.username = user
            options.password = password
            options.tlsCertificatePath = common.tlsCertificate
            options.tlsKeyPath = common.tlsKey
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
        if common.printConfig {
            let backends = allOptions.map { options in
                (options.name, "ovirt", options.apiURL(port: options.port), options.username, "OVIRT_SIM_PASSWORD")
            }
            print(SimulatorProcess.backendsYAML(backends), terminator: "")
            return
        }
        try await SimulatorProcess.run(
            label: "ovirt-sim",
            engines: allOptions.map { options in
                SimulatorProcess.Engine(name: options.name, apiURL: options.apiURL(port:)) { logger, onServerRunning in
                    try OvirtSimulatorApplication.buildApplication(options, logger: logger, onServerRunning: onServerRunning)
                }
            }
        )
    }
}
