import AggregatorCore
import AggregatorTesting
import Foundation
import Logging
import Synchronization
import Testing

@testable import OvirtBackend

/// Stores every event a job reports.
final class RecordingJobRecorder: JobRecorder {
    enum Event: Sendable, Hashable {
        case started(String)
        case succeeded(String, [String: String])
        case failed(String, BackendError)
        case skipped(String, String)
    }

    private let store = Mutex<[Event]>([])
    var events: [Event] { store.withLock { $0 } }

    func stepStarted(_ name: String, description: String) async { store.withLock { $0.append(.started(name)) } }
    func stepSucceeded(_ name: String, detail: String?, engineIDs: [String: String]) async {
        store.withLock { $0.append(.succeeded(name, engineIDs)) }
    }
    func stepFailed(_ name: String, error: BackendError) async { store.withLock { $0.append(.failed(name, error)) } }
    func stepSkipped(_ name: String, reason: String) async { store.withLock { $0.append(.skipped(name, reason)) } }

    var succeeded: [String] { events.compactMap { if case .succeeded(let name, _) = $0 { name } else { nil } } }
    var skipped: [String] { events.compactMap { if case .skipped(let name, _) = $0 { name } else { nil } } }
    var failed: [String] { events.compactMap { if case .failed(let name, _) = $0 { name } else { nil } } }
}

/// Fast polling for tests.
func fastTuning() -> OvirtBackend.Tuning {
    var tuning = OvirtBackend.Tuning()
    var options = OvirtProvisioningOptions()
    options.pollInterval = .milliseconds(20)
    options.createTimeout = .seconds(10)
    options.startTimeout = .seconds(10)
    tuning.provisioning = options
    return tuning
}

@Suite("oVirt provisioning against a stateful stub engine")
struct ProvisioningStubTests {
    private func withStub<T>(_ body: (WriteStubEngine, OvirtBackend) async throws -> T) async throws -> T {
        let engine = WriteStubEngine()
        return try await engine.serve { url in
            let configuration = BackendConfiguration(name: "e15-test", kind: OvirtBackend.kind, url: url,
                                                     password: Secret("admin"), connectTimeout: .seconds(5),
                                                     requestTimeout: .seconds(10))
            return try await withOvirtBackend(configuration, logger: LogRecorder().logger(), tuning: fastTuning()) {
                try await body(engine, $0)
            }
        }
    }

    private func ready(_ outcome: PlanOutcome) throws -> ProvisioningPlan {
        guard case .ready(let plan) = outcome else {
            Issue.record("expected a plan, got \(outcome)")
            throw CancellationError()
        }
        return plan
    }

    private func context(_ recorder: RecordingJobRecorder, _ id: String) -> JobContext {
        JobContext(jobID: "job-\(id)", correlationID: "corr-\(id)", recorder: recorder, logger: LogRecorder().logger())
    }

    @Test("create_vlan: network with the tag, on the cluster and on bond0 of every host; each call carries the correlation id",
          .timeLimit(.minutes(1)))
    func createVLAN() async throws {
        try await withStub { engine, backend in
            let item = seedItem(action: .createVLAN)
            let plan = try ready(try await backend.plan(item))
            let recorder = RecordingJobRecorder()
            let before = engine.calls.count
            let result = try await backend.execute(plan, context: context(recorder, "vlan1"))

            let state = engine.state.withLock { $0 }
            let network = try #require(state.networks.first { $0.name == "2921-redvt-eqp-test-e15" })
            #expect(network.vlan == 2921 && network.dc == "dc1")
            #expect(state.clusterNetworks.contains(network.id))
            #expect(state.attachments["h1"] == [network.id] && state.attachments["h2"] == [network.id])
            #expect(state.setupBodies.allSatisfy { $0.contains("\"commit_on_success\":true") && $0.contains("\"check_connectivity\":true") })
            #expect(result.engineIDs["network_id"] == network.id)
            #expect(result.engineIDs["vnic_profile_id"] != nil)
            #expect(Set(recorder.succeeded) == ["create_network", "ensure_vnic_profile", "attach_network_to_cluster",
                                                "attach_network_to_host:host01", "attach_network_to_host:host02"])
            let executed = engine.calls.dropFirst(before).filter { $0.path != "" || $0.method != "GET" }
            #expect(!executed.isEmpty)
            #expect(executed.allSatisfy { $0.correlationID == "corr-vlan1" })
        }
    }

    @Test("re-running create_vlan reuses everything: the plan marks the steps done, nothing is created twice",
          .timeLimit(.minutes(1)))
    func reuse() async throws {
        try await withStub { engine, backend in
            let item = seedItem(action: .createVLAN)
            _ = try await backend.execute(try ready(try await backend.plan(item)), context: context(RecordingJobRecorder(), "first"))
            let second = try ready(try await backend.plan(item))
            let notDone = second.steps.filter { $0.name != "ensure_vnic_profile" && !$0.alreadyDone }
            #expect(notDone.isEmpty)
            let recorder = RecordingJobRecorder()
            _ = try await backend.execute(second, context: context(recorder, "second"))
            #expect(Set(recorder.skipped) == ["create_network", "attach_network_to_cluster",
                                              "attach_network_to_host:host01", "attach_network_to_host:host02"])
            #expect(engine.calls.filter { $0.method == "POST" && $0.path == "networks" }.count == 1)
            #expect(engine.state.withLock { $0.networks.count } == 2)
        }
    }

    @Test("create_vm: the VM is up with its cores, memory, disks, NIC, cloud-init and meta", .timeLimit(.minutes(1)))
    func createVM() async throws {
        try await withStub { engine, backend in
            let item = seedItem(vm: seedVM(bootGB: 40, extra: [DiskSpec(sizeGB: 100, mountPoint: "/data", sparse: true)]))
            let plan = try ready(try await backend.plan(item))
            let recorder = RecordingJobRecorder()
            let result = try await backend.execute(plan, context: context(recorder, "vm1"))

            let state = engine.state.withLock { $0 }
            let vm = try #require(state.vms.first { $0.name == "test_vm_11" })
            #expect(vm.status == "up")
            #expect(vm.cores == 2 && vm.memory == 2 << 30)
            #expect(vm.description.contains("document 6666"))
            #expect(vm.initialization.contains("enp1s0") && vm.initialization.contains("10.105.249.51"))
            #expect(vm.initialization.contains("scsi-0QEMU_QEMU_HARDDISK_") && vm.initialization.contains("/data"))
            #expect(state.disks[vm.disks[0]]?.size == 40 << 30)
            #expect(state.disks[vm.disks[0]]?.format == "raw")
            #expect(state.disks[vm.disks[1]]?.size == 100 << 30 && state.disks[vm.disks[1]]?.sparse == true)
            let profile = try #require(result.engineIDs["vnic_profile_id"])
            #expect(vm.nics.map(\.profile) == [profile])
            #expect(result.engineIDs["vm_id"] == vm.id && result.engineIDs["disk_id[1]"] == vm.disks[1])
            #expect(recorder.succeeded.suffix(6) == ["create_vm", "extend_boot_disk", "add_disk[1]", "configure_cloud_init",
                                                     "add_nic", "start_vm"])
            #expect(engine.calls.filter { $0.method != "GET" }.allSatisfy { $0.correlationID == "corr-vm1" })

            guard case .invalid(let issues) = try await backend.plan(item) else {
                Issue.record("a second plan must refuse the existing name")
                return
            }
            #expect(issues.map(\.message).contains("a VM named test_vm_11 already exists on engine e15-test (id \(vm.id))"))
        }
    }

    @Test("a fault on POST /vms is thrown with the engine's detail; the network steps stay recorded as done",
          .timeLimit(.minutes(1)))
    func faultOnCreate() async throws {
        try await withStub { engine, backend in
            let item = seedItem()
            let plan = try ready(try await backend.plan(item))
            engine.inject(.init(method: "POST", path: "vms", status: 400,
                                detail: "[Cannot add VM. The relevant Storage Domain's status is Inactive.]"))
            let recorder = RecordingJobRecorder()
            let error = await #expect(throws: BackendError.self) {
                try await backend.execute(plan, context: self.context(recorder, "fault"))
            }
            #expect(error?.message.contains("The relevant Storage Domain's status is Inactive") == true)
            #expect(error?.httpStatus == 400)
            #expect(Set(recorder.succeeded) == ["create_network", "ensure_vnic_profile", "attach_network_to_cluster",
                                                "attach_network_to_host:host01", "attach_network_to_host:host02"])
            #expect(recorder.failed == ["create_vm"])
            #expect(engine.state.withLock { $0.vms.isEmpty })
        }
    }
}
