import AggregatorCore
import AggregatorTesting
import Foundation
import Synchronization
import Testing

@testable import OvirtBackend

/// Records when each engine id reached the job record, and what the engine showed at that moment.
final class EarlyIDRecorder: JobRecorder {
    struct Report: Sendable {
        var step: String
        var ids: [String: String]
        /// The VM's status on the engine when its id was reported.
        var vmStatus: String?
    }

    let engine: WriteStubEngine
    private let state = Mutex<(reports: [Report], succeeded: [String: [String: String]])>(([], [:]))

    init(engine: WriteStubEngine) { self.engine = engine }

    var reports: [Report] { state.withLock { $0.reports } }
    func succeeded(_ step: String) -> [String: String]? { state.withLock { $0.succeeded[step] } }

    func stepStarted(_ name: String, description: String) async {}
    func stepSucceeded(_ name: String, detail: String?, engineIDs: [String: String]) async {
        state.withLock { $0.succeeded[name] = engineIDs }
    }
    func stepFailed(_ name: String, error: BackendError) async {}
    func stepSkipped(_ name: String, reason: String) async {}
    func stepReportedIDs(_ name: String, engineIDs: [String: String]) async {
        let status = engineIDs["vm_id"].flatMap { id in engine.state.withLock { $0.vms.first { $0.id == id }?.status } }
        state.withLock { $0.reports.append(Report(step: name, ids: engineIDs, vmStatus: status)) }
    }
}

@Suite("A job records each engine id as soon as the engine returns it", .timeLimit(.minutes(1)))
struct ProvisioningRecordTests {
    @Test("create_vm reports the VM id while the VM is still image_locked, before waiting for it")
    func vmIDBeforeTheWait() async throws {
        let engine = WriteStubEngine()
        try await engine.serve { url in
            let configuration = BackendConfiguration(name: "e15-test", kind: OvirtBackend.kind, url: url,
                                                     password: Secret("admin"), connectTimeout: .seconds(5),
                                                     requestTimeout: .seconds(10))
            try await withOvirtBackend(configuration, logger: LogRecorder().logger(), tuning: fastTuning()) { backend in
                let item = seedItem(vm: seedVM(bootGB: 40, extra: [DiskSpec(sizeGB: 100, mountPoint: "/data", sparse: true)]))
                guard case .ready(let plan) = try await backend.plan(item) else {
                    Issue.record("expected a plan")
                    return
                }
                let recorder = EarlyIDRecorder(engine: engine)
                let context = JobContext(jobID: "job-early", correlationID: "job-early", recorder: recorder,
                                         logger: LogRecorder().logger())
                let result = try await backend.execute(plan, context: context)

                let vmReport = try #require(recorder.reports.first { $0.step == "create_vm" })
                #expect(vmReport.ids["vm_id"] == result.engineIDs["vm_id"])
                #expect(vmReport.vmStatus == "image_locked", "reported before the wait for the disks")
                #expect(recorder.succeeded("create_vm")?["vm_id"] == result.engineIDs["vm_id"])
                let diskReport = try #require(recorder.reports.first { $0.step == "add_disk[1]" })
                #expect(diskReport.ids["disk_id[1]"] == result.engineIDs["disk_id[1]"])
            }
        }
    }

    @Test("a VM this server made names its job when it is found again; another VM does not")
    func existingVMNamesItsJob() {
        let comment = OvirtRun.metaComment(RequestMeta(documentNum: "6666"), jobID: "5f0c8f7e-1b2a-4c3d-9e8f-0a1b2c3d4e5f")
        #expect(OvirtRules.creatingJob(comment: comment) == "5f0c8f7e-1b2a-4c3d-9e8f-0a1b2c3d4e5f")
        let found = OvirtRules.existingVM("web01", engine: "e15", id: "vm-1", comment: comment)
        #expect(found.message == "a VM named web01 already exists on engine e15 (id vm-1), "
                    + "made by job 5f0c8f7e-1b2a-4c3d-9e8f-0a1b2c3d4e5f")
        #expect(found.fix.contains("/api/v1/jobs/5f0c8f7e-1b2a-4c3d-9e8f-0a1b2c3d4e5f"))

        #expect(OvirtRules.creatingJob(comment: "owner: infra") == nil)
        #expect(OvirtRules.creatingJob(comment: "job=bad id with spaces") == nil)
        let other = OvirtRules.existingVM("web01", engine: "e15", id: "vm-2", comment: nil)
        #expect(other.message == "a VM named web01 already exists on engine e15 (id vm-2)")
    }
}
