import AggregatorCore
import AggregatorTesting
import Logging
import OvirtSimulator
import Testing

@testable import OvirtBackend

/// One power action on a VM in a given status, and the status it leaves.
struct OvirtPowerCase: Sendable, CustomTestStringConvertible {
    var operation: VMOperation
    var from: String
    var to: String

    var testDescription: String { "\(operation) of a VM that is \(from) leaves it \(to)" }

    static let all: [OvirtPowerCase] = [
        .init(operation: .start, from: "down", to: "up"),
        .init(operation: .start, from: "suspended", to: "up"),
        .init(operation: .stop, from: "up", to: "down"),
        .init(operation: .shutdown, from: "up", to: "down"),
        .init(operation: .reboot, from: "up", to: "up"),
        .init(operation: .suspend, from: "up", to: "suspended"),
    ]
}

@Suite("oVirt operates VMs on the simulated engine: plans, calls, waits, refusals", .timeLimit(.minutes(1)))
struct OvirtOperationTests {
    /// Runs `body` with a simulated engine whose asynchronous work takes 50 ms and a backend that polls quickly.
    private func withEngine(_ name: String, _ body: (SimulatedEngine, OvirtBackend) async throws -> Void) async throws {
        try await withSimulatedEngine(name, configure: { $0.asyncDelay = .milliseconds(50); $0.vmCount = 2 }) { engine in
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: Logger(label: "test") { _ in
                SwiftLogNoOpLogHandler()
            }, tuning: fastTuning()) { backend in
                try await body(engine, backend)
            }
        }
    }

    private func request(_ operation: VMOperation, _ vm: SimulatedObject, name: String? = nil, force: Bool = false,
                         engine: SimulatedEngine) -> VMOperationRequest {
        VMOperationRequest(operation: operation, engine: engine.name, vmID: vm.id, vmName: name ?? vm.name, force: force,
                           shutdownTimeoutSeconds: 10, path: "vm")
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

    @Test(arguments: OvirtPowerCase.all)
    func powerAction(_ power: OvirtPowerCase) async throws {
        try await withEngine("op-\(power.operation)-\(power.from)") { engine, backend in
            let vm = try engine.admin.addVM(name: "web01", status: power.from)
            let plan = try ready(try await backend.planOperation(request(power.operation, vm, engine: engine)))
            #expect(plan.steps.map(\.name) == ["\(power.operation)_vm"])
            #expect(plan.steps.allSatisfy { !$0.alreadyDone })
            #expect(plan.steps[0].description.hasPrefix("POST /vms/\(vm.id)/\(power.operation): "))
            #expect(plan.steps[0].description.contains("web01"))

            let record = TakeoverJobRecord()
            let result = try await backend.execute(plan, context: record.context(jobID: "job-\(power.operation)"))
            #expect(result.engineIDs["vm_id"] == vm.id)
            let steps = await record.steps
            #expect(steps.map(\.state) == ["succeeded"])
            #expect(steps.first?.engineIDs["vm_id"] == vm.id, "the live model re-reads the VM the step names")
            #expect(try await backend.vm(id: vm.id)?.status == power.to)
        }
    }

    @Test("a shutdown the guest does not finish in time fails naming the timeout; with force the VM is powered off")
    func shutdownTimeout() async throws {
        // The guest takes a minute to shut down (nothing here waits for it); the request allows 0 s.
        try await withSimulatedEngine("op-shutdown-timeout", configure: { $0.asyncDelay = .seconds(60); $0.vmCount = 2 }) { engine in
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: Logger(label: "test") { _ in
                SwiftLogNoOpLogHandler()
            }, tuning: fastTuning()) { backend in
                let vm = try engine.admin.addVM(name: "slow01", status: "up")
                var slow = request(.shutdown, vm, engine: engine)
                slow.shutdownTimeoutSeconds = 0
                let plan = try ready(try await backend.planOperation(slow))
                #expect(plan.steps[0].description.hasSuffix("waiting up to 0 s, then fail"))
                let error = await #expect(throws: BackendError.self) {
                    try await backend.execute(plan, context: TakeoverJobRecord().context(jobID: "job-shutdown"))
                }
                #expect(error?.code == .timeout)
                #expect(error?.message.contains("did not shut down within 0 s (the shutdown timeout); it was left running") == true)

                // Another VM, so the first one's shutdown, still under way in the guest, cannot end this one.
                let other = try engine.admin.addVM(name: "slow02", status: "up")
                slow = request(.shutdown, other, engine: engine)
                slow.shutdownTimeoutSeconds = 0
                slow.force = true
                let forced = try ready(try await backend.planOperation(slow))
                #expect(forced.steps[0].description.hasSuffix("then power it off"))
                let record = TakeoverJobRecord()
                _ = try await backend.execute(forced, context: record.context(jobID: "job-shutdown-force"))
                #expect(await record.steps.map(\.state) == ["succeeded"])
                #expect(await record.steps.first?.detail?.contains("powered off (force)") == true)
                #expect(try await backend.vm(id: other.id)?.status == "down")
            }
        }
    }

    @Test("every call carries the job's correlation id: the engine's job for the action is found by it")
    func correlation() async throws {
        try await withEngine("op-correlation") { engine, backend in
            let vm = try engine.admin.addVM(name: "web03", status: "up")
            let plan = try ready(try await backend.planOperation(request(.stop, vm, engine: engine)))
            let record = TakeoverJobRecord()
            _ = try await backend.execute(plan, context: record.context(jobID: "job-corr", correlationID: "corr-stop-1"))
            let jobs = try await backend.session.get(OvirtCollection<EngineJob>.self, path: "jobs",
                                                     query: [("search", "correlation_id=corr-stop-1")],
                                                     expected: "a JSON job list").items
            #expect(!jobs.isEmpty, "the engine has no job with the correlation id")
        }
    }

    @Test("stopping a VM that is down, or starting one that is up, is a step recorded skipped")
    func alreadyInState() async throws {
        try await withEngine("op-noop") { engine, backend in
            let down = try engine.admin.addVM(name: "idle01", status: "down")
            let up = try engine.admin.addVM(name: "busy01", status: "up")
            for (operation, vm, state) in [(VMOperation.stop, down, "down"), (.shutdown, down, "down"), (.start, up, "up")] {
                let plan = try ready(try await backend.planOperation(request(operation, vm, engine: engine)))
                #expect(plan.steps.count == 1)
                #expect(plan.steps[0].alreadyDone)
                #expect(plan.steps[0].description.contains("is already \(state)"))
                let record = TakeoverJobRecord()
                _ = try await backend.execute(plan, context: record.context(jobID: "job-noop-\(operation)"))
                let steps = await record.steps
                #expect(steps.map(\.state) == ["skipped"])
                #expect(steps.first?.engineIDs["vm_id"] == vm.id)
                #expect(await record.events.contains(.started("\(operation)_vm")) == false, "no engine call was made")
                #expect(try await backend.vm(id: vm.id)?.status == state)
            }
        }
    }

    @Test("a reboot or suspend of a VM that is down is refused")
    func notRunning() async throws {
        try await withEngine("op-not-running") { engine, backend in
            let vm = try engine.admin.addVM(name: "idle02", status: "down")
            for operation in [VMOperation.reboot, .suspend] {
                let issues = refusal(try await backend.planOperation(request(operation, vm, engine: engine)))
                #expect(issues.first?.message.contains("VM idle02 is down") == true)
            }
        }
    }

    @Test("a running VM is not deleted without force; with force it is powered off, then removed with its disk")
    func deleteRunning() async throws {
        try await withEngine("op-delete-running") { engine, backend in
            let vm = try engine.admin.addVM(name: "web01", status: "up")
            let issues = refusal(try await backend.planOperation(request(.delete, vm, engine: engine)))
            #expect(issues.map(\.message) == ["VM web01 is up; stop it first or pass force=true"])
            #expect(issues.first?.path == "vm")
            #expect(try await backend.vm(id: vm.id)?.status == "up")

            let plan = try ready(try await backend.planOperation(request(.delete, vm, force: true, engine: engine)))
            #expect(plan.steps.map(\.name) == ["stop_vm", "delete_vm"])
            #expect(plan.steps[1].description == "DELETE /vms/\(vm.id): removes web01 and its 1 disk (as the engine's portal does)")
            let record = TakeoverJobRecord()
            let result = try await backend.execute(plan, context: record.context(jobID: "job-delete-force"))
            #expect(await record.steps.map(\.state) == ["succeeded", "succeeded"])
            #expect(result.summary.contains("deleted"))
            #expect(try await backend.vm(id: vm.id) == nil)
        }
    }

    @Test("a VM that is down is deleted; deleting it again is a step recorded skipped")
    func deleteDown() async throws {
        try await withEngine("op-delete-down") { engine, backend in
            let vm = try engine.admin.addVM(name: "old01", status: "down")
            let plan = try ready(try await backend.planOperation(request(.delete, vm, engine: engine)))
            #expect(plan.steps.map(\.name) == ["delete_vm"])
            _ = try await backend.execute(plan, context: TakeoverJobRecord().context(jobID: "job-delete"))
            #expect(try await backend.vm(id: vm.id) == nil)

            let again = TakeoverJobRecord()
            _ = try await backend.execute(plan, context: again.context(jobID: "job-delete-again"))
            #expect(await again.steps.map(\.state) == ["skipped"])
            await #expect(throws: BackendError.self) { try await backend.planOperation(request(.delete, vm, engine: engine)) }
        }
    }

    @Test("delete protection is honoured and named; a VM renamed since it was listed is not deleted")
    func deleteRefusals() async throws {
        try await withEngine("op-delete-refused") { engine, backend in
            let vm = try engine.admin.addVM(name: "db01", status: "down", deleteProtected: true)
            let issues = refusal(try await backend.planOperation(request(.delete, vm, engine: engine)))
            #expect(issues.count == 1)
            #expect(issues.first?.message.contains("delete_protected") == true)
            #expect(issues.first?.fix?.contains("Delete Protection off") == true)

            try engine.admin.setDeleteProtected(vm.id, false)
            let renamed = refusal(try await backend.planOperation(request(.delete, vm, name: "db01-old", engine: engine)))
            #expect(renamed.first?.message.contains("named 'db01' on the engine now, not 'db01-old'") == true)
            #expect(try await backend.vm(id: vm.id) != nil, "nothing was deleted")
        }
    }

    @Test("the engine's refusal of a delete after planning reaches the job as a clear error")
    func protectedAfterPlanning() async throws {
        try await withEngine("op-delete-late") { engine, backend in
            let vm = try engine.admin.addVM(name: "db02", status: "down")
            let plan = try ready(try await backend.planOperation(request(.delete, vm, engine: engine)))
            try engine.admin.setDeleteProtected(vm.id, true)
            let record = TakeoverJobRecord()
            let error = await #expect(throws: BackendError.self) {
                try await backend.execute(plan, context: record.context(jobID: "job-delete-late"))
            }
            #expect(error?.message.contains("VM db02 is protected from deletion (delete_protected)") == true)
            #expect(await record.steps.map(\.state) == ["failed"])
            #expect(try await backend.vm(id: vm.id) != nil)
        }
    }

    @Test("a VM the engine holds locked is refused after the lock retries with a clear error")
    func locked() async throws {
        try await withEngine("op-locked") { engine, backend in
            let vm = try engine.admin.addVM(name: "busy02", status: "down")
            let plan = try ready(try await backend.planOperation(request(.delete, vm, engine: engine)))
            try engine.admin.lockVM(vm.id)
            let error = await #expect(throws: BackendError.self) {
                try await backend.execute(plan, context: TakeoverJobRecord().context(jobID: "job-locked"))
            }
            #expect(error?.message.hasPrefix("VM busy02 is locked on the engine") == true)
            #expect(error?.message.contains("the engine said:") == true)
            #expect(try await backend.vm(id: vm.id) != nil)
        }
    }

    @Test("a start already under way is waited for, not sent again")
    func startUnderWay() async throws {
        // Each status of the start lasts 1 s, so the job finds the VM starting.
        try await withSimulatedEngine("op-start-under-way", configure: { $0.asyncDelay = .seconds(1); $0.vmCount = 2 }) { engine in
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: Logger(label: "test") { _ in
                SwiftLogNoOpLogHandler()
            }, tuning: fastTuning()) { backend in
                let vm = try engine.admin.addVM(name: "web04", status: "down")
                let plan = try ready(try await backend.planOperation(request(.start, vm, engine: engine)))
                // Started by an earlier run of the job (or by someone else) after the plan was made.
                _ = try await backend.session.write(OvirtAction.self, method: "POST", path: "vms/\(vm.id)/start",
                                                    body: .object([:]), expected: "a JSON action", correlationID: nil)
                let record = TakeoverJobRecord()
                _ = try await backend.execute(plan, context: record.context(jobID: "job-start-under-way"))
                // Waited for while it starts ("succeeded"), or found up already on a slow machine ("skipped"):
                // either way no second start was sent, which the engine would have refused.
                let states = await record.steps.map(\.state)
                #expect(states == ["succeeded"] || states == ["skipped"], "the engine refused a second start: \(states)")
                #expect(try await backend.vm(id: vm.id)?.status == "up")
            }
        }
    }

    @Test("a step an earlier run finished is not redone when the job is taken over")
    func resumed() async throws {
        try await withEngine("op-resume") { engine, backend in
            let vm = try engine.admin.addVM(name: "web02", status: "up")
            let plan = try ready(try await backend.planOperation(request(.delete, vm, force: true, engine: engine)))
            let first = TakeoverJobRecord(stopAt: .started("delete_vm"))
            #expect(await first.run { try await backend.execute(plan, context: first.context(jobID: "job-resume")) } == nil)
            let recorded = await first.steps
            #expect(recorded.map(\.state) == ["succeeded", "running"])
            try engine.admin.setVMStatus(vm.id, to: "up")  // were stop_vm run again, the VM would be stopped

            let takeover = TakeoverJobRecord(steps: recorded)
            let error = await #expect(throws: BackendError.self) {
                try await backend.execute(plan, context: takeover.context(jobID: "job-resume", recordedSteps: recorded))
            }
            #expect(await takeover.events.contains(.started("stop_vm")) == false)
            #expect(error?.message.contains("running") == true, "the engine refuses to delete the running VM")
        }
    }
}

/// An engine job, as `GET /jobs` lists it.
struct EngineJob: OvirtCollectionElement {
    static let collectionKey = "job"
    var id: String?
    var status: String?
}
