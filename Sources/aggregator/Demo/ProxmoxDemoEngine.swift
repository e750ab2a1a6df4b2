import AggregatorCore
import Logging
import ProxmoxBackend
import ProxmoxSimulator

/// The demo's Proxmox VE clusters: `pve-sim` in-process, reached with its API token.
enum ProxmoxDemoEngine {
    static let start: DemoSimulator = { name, size, logger in
        var options = SimulatedProxmoxOptions(name: name)
        options.vmCount = size.vms
        options.nodeCount = max(1, size.hosts)
        options.latency = size.latency
        let engine = try await SimulatedProxmox.start(options, logger: logger)
        let token = SimulatedProxmoxAPIToken.default
        let configuration = BackendConfiguration(
            name: name, kind: ProxmoxBackend.kind, url: engine.apiURL, username: token.tokenID,
            password: Secret(token.secret), connectTimeout: .seconds(2), requestTimeout: .seconds(20))
        return DemoEngine(name: name, kind: ProxmoxBackend.kind, apiURL: engine.apiURL, configuration: configuration,
                          stop: { await engine.stop() })
    }
}
