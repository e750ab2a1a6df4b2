import AggregatorCore
import AggregatorTesting
import Logging
import ProxmoxBackend
import ProxmoxSimulator
import Testing

/// Runs the shared backend contract against in-process pve-sim clusters.
struct ProxmoxContractHarness: BackendContractHarness {
    let kind: BackendKind = ProxmoxBackend.kind
    let recorder = LogRecorder()
    static let password = "sim-secret-\(UInt32.random(in: 100_000...UInt32.max))"

    func startEngine(_ spec: ContractEngineSpec) async throws -> any ContractEngine {
        var options = SimulatedProxmoxOptions(name: spec.name)
        options.vmCount = spec.vmCount
        options.nodeCount = spec.hostCount
        options.latency = spec.latency
        options.password = Self.password
        let cluster = try await SimulatedProxmox.start(options, logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() })
        return ProxmoxContractEngine(cluster: cluster, spec: spec)
    }

    func makeBackend(_ configuration: BackendConfiguration) throws -> any VirtualizationBackend {
        var registry = BackendRegistry()
        ProxmoxBackend.register(in: &registry)
        let file = AggregatorConfiguration(file: nil, backends: [configuration])
        return try registry.makeBackends(for: file, logger: recorder.logger("proxmox"))[0]
    }

    func makeInventory(_ backends: [RegisteredBackend]) -> EngineSet {
        EngineSet(backends: backends, logger: recorder.logger("inventory"))
    }

    func recordedLog() -> [String] { recorder.all }
}

struct ProxmoxContractEngine: ContractEngine {
    let cluster: SimulatedProxmox
    let spec: ContractEngineSpec

    var expectations: BackendContractExpectations {
        BackendContractExpectations(engine: spec.name, vmCount: spec.vmCount, hostCount: spec.hostCount,
                                    clusterNames: [spec.name], password: ProxmoxContractHarness.password)
    }

    /// The entry as an operator writes it: no `username`, so the kind's default `root@pam` applies.
    func configuration(password: String?) -> BackendConfiguration {
        BackendConfiguration(name: cluster.name, kind: ProxmoxBackend.kind, url: cluster.apiURL,
                             password: Secret(password ?? ProxmoxContractHarness.password),
                             connectTimeout: .seconds(5), requestTimeout: .seconds(20),
                             // Creates follow the simulated cluster's short task delays closely.
                             options: try? YAMLParser.parse("task_poll_interval: 50ms\n", file: "contract"))
    }

    /// Proxmox VE takes VLAN tags on the VM's network device: the kind creates no VLANs.
    func vlanItem() throws -> ProvisioningItem? { nil }

    func vmItem(named name: String) throws -> ProvisioningItem {
        var item = try ProxmoxFixtures.item(section: #"{"engine":"\#(spec.name)","node":"pve1","storage":"local-lvm"}"#,
                                            name: name)
        item.engine = spec.name
        return item
    }

    func flipPowerState(of vm: VM) async throws {
        let vmid = try #require(Int(vm.id), "a Proxmox VM id is its VMID")
        try cluster.admin.setVMStatus(vmid, to: vm.status == "up" ? "stopped" : "running")
    }

    func protectFromDeletion(_ vm: VM) async throws {
        try cluster.admin.setProtection(Int(vm.id) ?? -1, true)
    }

    func stop() async { await cluster.stop() }
}
