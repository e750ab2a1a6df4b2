import AggregatorCore
import OvirtBackend
import ProxmoxBackend
import VSphereBackend

/// Every backend kind this build knows: one line per kind in each list.
enum BackendKinds {
    static func registry() -> BackendRegistry {
        var registry = BackendRegistry()
        OvirtBackend.register(in: &registry)
        ProxmoxBackend.register(in: &registry)
        VSphereBackend.register(in: &registry)
        return registry
    }

    /// The simulators `aggregator demo` runs for engines of each kind.
    static let demoSimulators: [BackendKind: DemoSimulator] = [
        OvirtBackend.kind: OvirtDemoEngine.start,
        ProxmoxBackend.kind: ProxmoxDemoEngine.start,
        VSphereDemoEngine.kind: VSphereDemoEngine.start,
    ]
}
