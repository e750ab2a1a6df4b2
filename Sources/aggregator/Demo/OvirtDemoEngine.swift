import AggregatorCore
import Logging
import OvirtBackend
import OvirtSimulator

/// The demo's oVirt engines: `ovirt-sim` in-process.
enum OvirtDemoEngine {
    static let start: DemoSimulator = { name, size, logger in
        var options = SimulatedEngineOptions(name: name)
        options.vmCount = size.vms
        options.hostCount = size.hosts
        options.latency = size.latency
        let engine = try await SimulatedEngine.start(options, logger: logger)
        let configuration = BackendConfiguration(
            name: name, kind: OvirtBackend.kind, url: engine.apiURL, username: options.username,
            password: Secret(options.password), connectTimeout: .seconds(2), requestTimeout: .seconds(20))
        return DemoEngine(name: name, kind: OvirtBackend.kind, apiURL: engine.apiURL, configuration: configuration,
                          stop: { await engine.stop() })
    }
}
