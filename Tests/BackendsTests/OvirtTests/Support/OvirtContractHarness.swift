import AggregatorCore
import AggregatorTesting
import Foundation
import Logging
import OvirtBackend
import OvirtSimulator

/// Runs the shared backend contract against in-process simulated oVirt engines.
struct OvirtContractHarness: BackendContractHarness {
    let kind: BackendKind = OvirtBackend.kind
    let recorder = LogRecorder()
    static let password = "sim-secret-\(UInt32.random(in: 100_000...UInt32.max))"

    func startEngine(_ spec: ContractEngineSpec) async throws -> any ContractEngine {
        var options = SimulatedEngineOptions(name: spec.name)
        options.vmCount = spec.vmCount
        options.hostCount = spec.hostCount
        options.latency = spec.latency
        options.password = Self.password
        let engine = try await SimulatedEngine.start(options, logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() })
        return OvirtContractEngine(engine: engine, spec: spec, password: Self.password)
    }

    func makeBackend(_ configuration: BackendConfiguration) throws -> any VirtualizationBackend {
        var registry = BackendRegistry()
        OvirtBackend.register(in: &registry)
        let file = AggregatorConfiguration(file: nil, backends: [configuration])
        return try registry.makeBackends(for: file, logger: recorder.logger("ovirt"))[0]
    }

    func makeInventory(_ backends: [RegisteredBackend]) -> EngineSet {
        EngineSet(backends: backends, logger: recorder.logger("inventory"))
    }

    func recordedLog() -> [String] { recorder.all }
}

struct OvirtContractEngine: ContractEngine {
    let engine: SimulatedEngine
    let spec: ContractEngineSpec
    let password: String

    var expectations: BackendContractExpectations {
        BackendContractExpectations(engine: spec.name, vmCount: spec.vmCount, hostCount: spec.hostCount,
                                    clusterNames: ["Default"], password: password)
    }

    func configuration(password: String?) -> BackendConfiguration {
        var configuration = BackendConfiguration.simulated(engine, password: password ?? self.password)
        // Creates follow the simulated engine's short delays closely.
        configuration.options = try? YAMLParser.parse("poll_interval: 50ms\n", file: "contract")
        return configuration
    }

    func vlanItem() throws -> ProvisioningItem? {
        seedItem(action: .createVLAN, engine: spec.name)
    }

    func vmItem(named name: String) throws -> ProvisioningItem {
        seedItem(engine: spec.name, vm: seedVM(name: name))
    }

    func flipPowerState(of vm: VM) async throws {
        try engine.admin.setVMStatus(vm.id, to: vm.status == "up" ? "down" : "up")
    }

    func protectFromDeletion(_ vm: VM) async throws {
        try engine.admin.setDeleteProtected(vm.id, true)
    }

    func stop() async { await engine.stop() }
}

extension BackendConfiguration {
    /// An entry for a simulated engine, with short timeouts for tests.
    static func simulated(_ engine: SimulatedEngine, password: String?,
                          requestTimeout: Duration = .seconds(20)) -> BackendConfiguration {
        BackendConfiguration(name: engine.name, kind: OvirtBackend.kind, url: engine.apiURL,
                             password: password.map(Secret.init), connectTimeout: .seconds(5),
                             requestTimeout: requestTimeout)
    }
}
