import AggregatorCore
import AggregatorTesting
import Logging
import VSphereBackend

/// Runs the shared backend contract against vcsim.
struct VSphereContractHarness: BackendContractHarness {
    let kind: BackendKind = VSphereBackend.kind
    let recorder = LogRecorder()

    func startEngine(_ spec: ContractEngineSpec) async throws -> any ContractEngine {
        let engine = try await VCSimEngine.start(name: spec.name, vms: spec.vmCount, hosts: spec.hostCount,
                                                 delay: spec.latency)
        return VSphereContractEngine(engine: engine, spec: spec)
    }

    func makeBackend(_ configuration: BackendConfiguration) throws -> any VirtualizationBackend {
        var registry = BackendRegistry()
        VSphereBackend.register(in: &registry)
        let file = AggregatorConfiguration(file: nil, backends: [configuration])
        return try registry.makeBackends(for: file, logger: recorder.logger("vsphere"))[0]
    }

    func makeInventory(_ backends: [RegisteredBackend]) -> EngineSet {
        EngineSet(backends: backends, logger: recorder.logger("inventory"))
    }

    func recordedLog() -> [String] { recorder.all }
}

struct VSphereContractEngine: ContractEngine {
    let engine: VCSimEngine
    let spec: ContractEngineSpec

    var expectations: BackendContractExpectations {
        BackendContractExpectations(engine: spec.name, vmCount: spec.vmCount, hostCount: spec.hostCount,
                                    clusterNames: ["DC0_C0"], password: engine.password)
    }

    func configuration(password: String?) -> BackendConfiguration { engine.configuration(password: password) }

    func vmItem(named name: String) throws -> ProvisioningItem {
        try VSphereFixtures.item(name: name, engine: spec.name)
    }

    func vlanItem() throws -> ProvisioningItem? {
        try VSphereFixtures.vlanItem(engine: spec.name)
    }

    func flipPowerState(of vm: VM) async throws {
        try await engine.admin.setPower(vm.id, on: vm.status != "up")
    }

    func protectFromDeletion(_ vm: VM) async throws {
        try await engine.admin.disableDestroy(vm.id)
    }

    func stop() async { await engine.stop() }
}
