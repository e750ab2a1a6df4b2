import AggregatorCore
import AggregatorTesting
import Logging
import ProxmoxSimulator
import Testing

@testable import ProxmoxBackend

/// One power action on a VM in a given run state, and the common status it leaves.
struct ProxmoxPowerCase: Sendable, CustomTestStringConvertible {
    var operation: VMOperation
    /// `running` or `stopped`, as the simulator's admin sets it.
    var from: String
    var to: String
    /// The task the call starts.
    var task: String

    var testDescription: String { "\(operation) of a \(from) VM leaves it \(to)" }

    static let all: [ProxmoxPowerCase] = [
        .init(operation: .start, from: "stopped", to: "up", task: "qmstart"),
        .init(operation: .stop, from: "running", to: "down", task: "qmstop"),
        .init(operation: .shutdown, from: "running", to: "down", task: "qmshutdown"),
        .init(operation: .reboot, from: "running", to: "up", task: "qmreboot"),
        .init(operation: .suspend, from: "running", to: "suspended", task: "qmsuspend"),
    ]
}

@Suite("Proxmox VE operates VMs on the simulated cluster: plans, tasks, refusals", .timeLimit(.minutes(1)))
struct ProxmoxOperationTests {
    private func withCluster(_ name: String, _ body: (SimulatedProxmox, ProxmoxBackend, SimulatedProxmoxVM) async throws -> Void)
        async throws
    {
        try await withSimulatedProxmox(name, configure: { $0.vmCount = 3 }) { cluster in
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let vm = try #require(cluster.admin.vms.first { !$0.isTemplate })
                try await body(cluster, backend, vm)
            }
        }
    }

    private func request(_ operation: VMOperation, _ vm: SimulatedProxmoxVM, name: String? = nil, force: Bool = false,
                         timeout: Int = 10) -> VMOperationRequest {
        VMOperationRequest(operation: operation, engine: "pve", vmID: "\(vm.vmid)", vmName: name ?? vm.name, force: force,
                           shutdownTimeoutSeconds: timeout, path: "vm")
    }

    private func ready(_ outcome: PlanOutcome) throws -> ProvisioningPlan {
        guard case .ready(let plan) = outcome else {
            Issue.record("expected a plan, got \(outcome)")
            throw CancellationError()
        }
        return plan
    }

    private func refusal(_ outcome: PlanOutcome) -> [ValidationIssue] {
        if case .invalid(let issues) = outcome { return issues }
        Issue.record("expected a refusal, got \(outcome)")
        return []
    }

    @Test(arguments: ProxmoxPowerCase.all)
    func powerAction(_ power: ProxmoxPowerCase) async throws {
        try await withCluster("pve-op-\(power.operation)") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: power.from)
            let plan = try ready(try await backend.planOperation(request(power.operation, vm)))
            #expect(plan.steps.map(\.name) == ["\(power.operation)_vm"])
            #expect(plan.steps[0].description.hasPrefix("POST /nodes/\(vm.node)/qemu/\(vm.vmid)/status/\(power.operation): "))

            let record = TakeoverJobRecord()
            let result = try await backend.execute(plan, context: record.context(jobID: "job-\(power.operation)"))
            #expect(result.engineIDs == ["vm_id": "\(vm.vmid)"], "the task id stays with its step")
            let step = try #require(await record.steps.first)
            #expect(step.state == "succeeded")
            #expect(step.engineIDs["vm_id"] == "\(vm.vmid)")
            let upid = try #require(step.engineIDs["upid"])
            #expect(upid.contains(":\(power.task):\(vm.vmid):"))
            #expect(try await backend.vm(id: "\(vm.vmid)")?.status == power.to)
        }
    }

    @Test("a VM suspended to disk is resumed by start")
    func startResumesHibernated() async throws {
        try await withCluster("pve-op-resume") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: "running")
            let suspend = try ready(try await backend.planOperation(request(.suspend, vm)))
            _ = try await backend.execute(suspend, context: TakeoverJobRecord().context(jobID: "job-suspend"))
            #expect(try await backend.vm(id: "\(vm.vmid)")?.status == "suspended")
            #expect(cluster.admin.vm(vm.vmid)?.lock == "suspended")

            let start = try ready(try await backend.planOperation(request(.start, vm)))
            #expect(start.steps.map(\.alreadyDone) == [false])
            _ = try await backend.execute(start, context: TakeoverJobRecord().context(jobID: "job-start"))
            #expect(try await backend.vm(id: "\(vm.vmid)")?.status == "up")
            #expect(cluster.admin.vm(vm.vmid)?.lock == nil)
        }
    }

    @Test("a paused VM is started with resume")
    func startPaused() async throws {
        try await withCluster("pve-op-paused") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: "paused")
            let plan = try ready(try await backend.planOperation(request(.start, vm)))
            #expect(plan.steps[0].description.hasPrefix("POST /nodes/\(vm.node)/qemu/\(vm.vmid)/status/resume: "))
            let record = TakeoverJobRecord()
            _ = try await backend.execute(plan, context: record.context(jobID: "job-resume-paused"))
            #expect(await record.steps.first?.engineIDs["upid"]?.contains(":qmresume:\(vm.vmid):") == true)
            #expect(try await backend.vm(id: "\(vm.vmid)")?.status == "up")
        }
    }

    @Test("a VM suspended to disk is deleted with its saved state, without force")
    func deleteHibernated() async throws {
        try await withCluster("pve-op-delete-hibernated") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: "running")
            let suspend = try ready(try await backend.planOperation(request(.suspend, vm)))
            _ = try await backend.execute(suspend, context: TakeoverJobRecord().context(jobID: "job-hibernate"))
            let plan = try ready(try await backend.planOperation(request(.delete, vm)))
            #expect(plan.steps.map(\.name) == ["delete_vm"])
            _ = try await backend.execute(plan, context: TakeoverJobRecord().context(jobID: "job-delete-hibernated"))
            #expect(cluster.admin.vm(vm.vmid) == nil)
        }
    }

    @Test("a VM another task holds locked fails its task; the error says the VM is locked, with the task's text")
    func locked() async throws {
        try await withCluster("pve-op-locked") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: "running")
            let plan = try ready(try await backend.planOperation(request(.shutdown, vm)))
            try cluster.admin.setLock(vm.vmid, to: "backup")
            let error = await #expect(throws: BackendError.self) {
                try await backend.execute(plan, context: TakeoverJobRecord().context(jobID: "job-locked"))
            }
            #expect(error?.message.hasPrefix("VM \(vm.name) (vmid \(vm.vmid)) is locked on the engine") == true)
            #expect(error?.message.contains("VM is locked (backup)") == true)
            #expect(try await backend.vm(id: "\(vm.vmid)")?.status == "up")
        }
    }

    @Test("taken over while its task runs: the recorded task is followed, and the VM found stopped is not stopped again")
    func resumedDuringTask() async throws {
        try await withCluster("pve-op-resume-task") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: "running")
            let plan = try ready(try await backend.planOperation(request(.stop, vm)))
            let dying = TakeoverJobRecord(stopAt: .reported("stop_vm", id: "upid"))
            #expect(await dying.run { try await backend.execute(plan, context: dying.context(jobID: "job-take")) } == nil)
            let recorded = await dying.steps
            #expect(recorded.map(\.state) == ["running"])
            let tasksBefore = cluster.admin.tasks.count

            let takeover = TakeoverJobRecord(steps: recorded)
            _ = try await backend.execute(plan, context: takeover.context(jobID: "job-take", recordedSteps: recorded))
            #expect(await takeover.steps.map(\.state) == ["skipped"])
            #expect(cluster.admin.tasks.count == tasksBefore, "no second stop task")
            #expect(try await backend.vm(id: "\(vm.vmid)")?.status == "down")
        }
    }

    @Test("stopping a stopped VM is a step recorded skipped, with no task")
    func alreadyDown() async throws {
        try await withCluster("pve-op-noop") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: "stopped")
            let tasksBefore = cluster.admin.tasks.count
            let plan = try ready(try await backend.planOperation(request(.stop, vm)))
            #expect(plan.steps.map(\.alreadyDone) == [true])
            #expect(plan.steps[0].description.contains("is already down"))
            let record = TakeoverJobRecord()
            _ = try await backend.execute(plan, context: record.context(jobID: "job-noop"))
            #expect(await record.steps.map(\.state) == ["skipped"])
            #expect(cluster.admin.tasks.count == tasksBefore)
        }
    }

    @Test("a shutdown the guest does not finish fails naming the timeout; with force the VM is powered off")
    func shutdownTimeout() async throws {
        try await withCluster("pve-op-shutdown") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: "running")
            cluster.admin.failNextTask(type: "qmshutdown", exitStatus: "VM quit/powerdown failed - got timeout")
            let plan = try ready(try await backend.planOperation(request(.shutdown, vm, timeout: 5)))
            #expect(plan.steps[0].description.contains("waiting up to 5 s, then fail"))
            let error = await #expect(throws: BackendError.self) {
                try await backend.execute(plan, context: TakeoverJobRecord().context(jobID: "job-shutdown"))
            }
            #expect(error?.code == .timeout)
            #expect(error?.message.contains("did not shut down within 5 s") == true)
            #expect(try await backend.vm(id: "\(vm.vmid)")?.status == "up")

            let forced = try ready(try await backend.planOperation(request(.shutdown, vm, force: true, timeout: 5)))
            #expect(forced.steps[0].description.contains("then power it off"))
            _ = try await backend.execute(forced, context: TakeoverJobRecord().context(jobID: "job-shutdown-force"))
            #expect(try await backend.vm(id: "\(vm.vmid)")?.status == "down")
        }
    }

    @Test("a running VM is deleted only with force (stopped first), with purge and its disks")
    func deleteRunning() async throws {
        try await withCluster("pve-op-delete") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: "running")
            let issues = refusal(try await backend.planOperation(request(.delete, vm)))
            #expect(issues.map(\.message) == ["VM \(vm.name) is up; stop it first or pass force=true"])

            let plan = try ready(try await backend.planOperation(request(.delete, vm, force: true)))
            #expect(plan.steps.map(\.name) == ["stop_vm", "delete_vm"])
            #expect(plan.steps[1].description.hasPrefix(
                "DELETE /nodes/\(vm.node)/qemu/\(vm.vmid)?purge=1&destroy-unreferenced-disks=1: removes \(vm.name) and its "))
            let record = TakeoverJobRecord()
            _ = try await backend.execute(plan, context: record.context(jobID: "job-delete"))
            let steps = await record.steps
            #expect(steps.map(\.state) == ["succeeded", "succeeded"])
            #expect(steps.last?.engineIDs["upid"]?.contains(":qmdestroy:\(vm.vmid):") == true)
            #expect(cluster.admin.vm(vm.vmid) == nil)
            #expect(try await backend.vm(id: "\(vm.vmid)") == nil)
        }
    }

    @Test("protection is honoured and named; a VM renamed since it was listed is not deleted")
    func deleteRefusals() async throws {
        try await withCluster("pve-op-protected") { cluster, backend, vm in
            try cluster.admin.setVMStatus(vm.vmid, to: "stopped")
            try cluster.admin.setProtection(vm.vmid, true)
            let issues = refusal(try await backend.planOperation(request(.delete, vm)))
            #expect(issues.count == 1)
            #expect(issues.first?.message.contains("protection is on") == true)
            #expect(issues.first?.fix?.contains("--protection 0") == true)

            try cluster.admin.setProtection(vm.vmid, false)
            let renamed = refusal(try await backend.planOperation(request(.delete, vm, name: "\(vm.name)-old")))
            #expect(renamed.first?.message.contains("not '\(vm.name)-old'") == true)
            #expect(cluster.admin.vm(vm.vmid) != nil, "nothing was deleted")
        }
    }
}
