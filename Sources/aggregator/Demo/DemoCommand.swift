import AggregatorApp
import AggregatorCore
import ArgumentParser
import Foundation
import Logging
import OvirtBackend
import ProxmoxBackend
import Server

/// `aggregator demo`: simulated engines with the configuration's names, and the API over them.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start simulated engines named after the configured ones and serve the API over them.",
        discussion: """
            No real engine is contacted and no password is needed: every engine in the configuration \
            file is replaced by an in-process simulator of its kind (ovirt-sim, pve-sim) on a free loopback \
            port. Without a configuration file, the six engines of the default estate are simulated. A \
            simulated Proxmox VE cluster is added when the configuration has none (--proxmox-clusters), and \
            a vCenter (VMware's vcsim, the program VCSIM_BIN names; scripts/vcsim.sh builds it) when it has \
            no vSphere engine (--vcenters).
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 6299

    @Option(help: "VMs per simulated engine.")
    var vms: Int = 40

    @Option(help: "Hosts per simulated engine.")
    var hosts: Int = 3

    @Option(help: "Latency added to every simulated engine request, in milliseconds.")
    var latencyMs: Int = 0

    @Option(help: "Directory for the job database (default: data_dir of the configuration, else ./data).")
    var dataDir: String?

    @Option(help: "Simulated Proxmox VE clusters added beside the configured engines when the configuration has no Proxmox engine (named pve-lab, pve-lab-2, ...).")
    var proxmoxClusters: Int = 1

    @Option(help: "Simulated vCenters added beside the configured engines when the configuration has no vSphere engine (named vc-lab, vc-lab-2, ...; needs VCSIM_BIN).")
    var vcenters: Int = 1

    @Flag(help: "Allow a non-loopback --host: the demo serves without authentication.")
    var insecureNoAuth = false

    /// The estate of the tool this replaces, used when there is no configuration file.
    static let defaultEngines: [(name: String, kind: BackendKind)] =
        ["e15-test", "e15", "e15-2", "n32", "n32-2", "k45"].map { ($0, OvirtBackend.kind) }

    func run() async throws {
        try await reportingConfigurationErrors {
            let logger = options.makeLogger()
            var wanted: [(name: String, kind: BackendKind)]
            var dataDirectory = dataDir ?? "data"
            if FileManager.default.fileExists(atPath: options.config) {
                let loaded = try options.loadConfiguration(resolveSecrets: false)
                wanted = loaded.backends.filter { BackendKinds.demoSimulators[$0.kind] != nil }.map { ($0.name, $0.kind) }
                dataDirectory = dataDir ?? loaded.dataDirectory
            } else {
                logger.notice("No configuration file; simulating the default engines",
                              metadata: ["config.file": "\(options.config)"])
                wanted = Self.defaultEngines
            }
            // Both kinds side by side: a Proxmox cluster beside an oVirt-only estate.
            if !wanted.contains(where: { $0.kind == ProxmoxBackend.kind }), proxmoxClusters > 0 {
                wanted += (1...proxmoxClusters).map { ($0 == 1 ? "pve-lab" : "pve-lab-\($0)", ProxmoxBackend.kind) }
            }
            // And a vCenter, when this build has the kind and vcsim was built.
            let vSphere = VSphereDemoEngine.kind
            if !wanted.contains(where: { $0.kind == vSphere }), vcenters > 0 {
                wanted += (1...vcenters).map { ($0 == 1 ? "vc-lab" : "vc-lab-\($0)", vSphere) }
            }
            if wanted.contains(where: { $0.kind == vSphere }) {
                let reason = BackendKinds.registry().registration(for: vSphere) == nil
                    ? "this build has no vsphere kind" : VSphereDemoEngine.unavailable()
                if let reason {
                    logger.notice("no vCenter in the demo: \(reason)")
                    wanted.removeAll { $0.kind == vSphere }
                }
            }
            guard !wanted.isEmpty else {
                let kinds = BackendKinds.demoSimulators.keys.map(\.rawValue).sorted().joined(separator: ", ")
                throw ConfigurationFailure(lines: ["\(options.config): no engines of a kind the demo simulates (\(kinds))"])
            }

            let size = DemoSize(vms: vms, hosts: hosts, latency: .milliseconds(latencyMs))
            var engines: [DemoEngine] = []
            do {
                for entry in wanted {
                    guard let start = BackendKinds.demoSimulators[entry.kind] else { continue }
                    engines.append(try await start(entry.name, size, logger))
                }
            } catch {
                for engine in engines { await engine.stop() }
                throw error
            }

            // The demo's setting is auth: none, so it listens on loopback unless told otherwise.
            let configuration = AggregatorConfiguration(backends: engines.map(\.configuration))
            let banner = Self.banner(engines: engines, host: host, port: port) + "\n"
            do {
                let app = try await AggregatorApplication.build(
                    configuration, registry: BackendKinds.registry(),
                    options: .init(host: host, port: port, dataDirectory: dataDirectory, jobsPerEngine: 2,
                                   insecureNoAuth: insecureNoAuth),
                    logger: logger,
                    onServerRunning: { _ in FileHandle.standardOutput.write(Data(banner.utf8)) })
                try await app.run()
            } catch {
                for engine in engines { await engine.stop() }
                throw error
            }
            for engine in engines { await engine.stop() }
        }
    }

    static func banner(engines: [DemoEngine], host: String, port: Int) -> String {
        var lines = ["vmaggregator demo: \(engines.count) simulated engines"]
        for engine in engines {
            lines.append("  \(engine.name.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                         + "\(engine.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(engine.apiURL)")
        }
        let base = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        lines += [
            "Try:",
            "  curl \(base)/ovirt/vm_list",
            "  curl \(base)/ovirt/host_list",
            "  curl \(base)/ovirt/cluster_list",
            "  curl '\(base)/api/v1/vms?engine=\(engines.first?.name ?? "e15")&status=up'",
            "  curl \(base)/api/v1/backends",
            "Stop with Ctrl-C.",
        ]
        return lines.joined(separator: "\n")
    }
}
