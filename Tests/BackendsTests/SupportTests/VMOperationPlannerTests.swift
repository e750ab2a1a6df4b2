import AggregatorCore
import BackendSupport
import Testing

/// One planning case: the operation, the VM's status, and the steps planned (`!` marks a step
/// planned as already done), or nil when it is refused.
struct PlannerCase: Sendable, CustomTestStringConvertible {
    var operation: VMOperation
    var status: String
    var force = false
    var steps: [String]?

    var testDescription: String { "\(operation)\(force ? " (force)" : "") of a VM that is \(status)" }
}

@Suite("VM operations are planned from the VM's state by the same rules for every kind")
struct VMOperationPlannerTests {
    private let planner = VMOperationPlanner(
        engine: "e1", kind: "test",
        protection: .init(setting: "delete_protected", fix: "turn it off on the engine")
    ) { operation in "CALL \(operation)" }

    private func vm(_ status: String, name: String = "web01", protected: Bool = false) -> VMOperationPlanner.EngineVM {
        .init(id: "id-1", name: name, status: status, deleteProtected: protected, diskCount: 2)
    }

    private func request(_ operation: VMOperation, name: String = "web01", force: Bool = false) -> VMOperationRequest {
        VMOperationRequest(operation: operation, engine: "e1", vmID: "id-1", vmName: name, force: force,
                           shutdownTimeoutSeconds: 120, path: "vms[0]")
    }

    @Test(arguments: [
        PlannerCase(operation: .start, status: "down", steps: ["start_vm"]),
        PlannerCase(operation: .start, status: "suspended", steps: ["start_vm"]),
        PlannerCase(operation: .start, status: "up", steps: ["!start_vm"]),
        PlannerCase(operation: .stop, status: "up", steps: ["stop_vm"]),
        PlannerCase(operation: .stop, status: "down", steps: ["!stop_vm"]),
        PlannerCase(operation: .shutdown, status: "down", steps: ["!shutdown_vm"]),
        PlannerCase(operation: .reboot, status: "up", steps: ["reboot_vm"]),
        PlannerCase(operation: .reboot, status: "down", steps: nil),
        PlannerCase(operation: .suspend, status: "suspended", steps: ["!suspend_vm"]),
        PlannerCase(operation: .suspend, status: "down", steps: nil),
        PlannerCase(operation: .delete, status: "down", steps: ["delete_vm"]),
        PlannerCase(operation: .delete, status: "up", steps: nil),
        PlannerCase(operation: .delete, status: "up", force: true, steps: ["stop_vm", "delete_vm"]),
        PlannerCase(operation: .stop, status: "image_locked", steps: nil),
    ])
    func steps(_ planned: PlannerCase) throws {
        let outcome = try planner.outcome(request(planned.operation, force: planned.force), vm: vm(planned.status))
        switch outcome {
        case .ready(let plan):
            #expect(plan.steps.map { ($0.alreadyDone ? "!" : "") + $0.name } == planned.steps)
            let payload = try plan.payload(as: VMOperationPlan.self)
            #expect(VMOperationPlan.operation(of: plan) == planned.operation)
            #expect(payload.steps.map(\.name) == plan.steps.map(\.name))
        case .invalid(let issues):
            #expect(planned.steps == nil, "refused: \(issues)")
            #expect(issues.allSatisfy { $0.path == "vms[0]" && $0.fix != nil })
        }
    }

    @Test("descriptions name the call, the VM and what a delete removes; a no-op says why")
    func descriptions() throws {
        guard case .ready(let delete) = try planner.outcome(request(.delete, force: true), vm: vm("up")) else {
            Issue.record("expected a plan")
            return
        }
        #expect(delete.steps.map(\.description) == [
            "CALL stop: power off web01 before the delete (force)",
            "CALL delete: removes web01 and its 2 disks (as the engine's portal does)",
        ])
        guard case .ready(let stop) = try planner.outcome(request(.stop), vm: vm("down")) else {
            Issue.record("expected a plan")
            return
        }
        #expect(stop.steps.map(\.description) == ["CALL stop: web01 is already down; nothing to do"])
    }

    @Test("a delete is refused for every reason at once: protection, another name, a running VM")
    func deleteRefusals() throws {
        let outcome = try planner.outcome(request(.delete, name: "web01-old"), vm: vm("up", protected: true))
        guard case .invalid(let issues) = outcome else {
            Issue.record("expected a refusal")
            return
        }
        #expect(issues.map(\.message) == [
            "VM id-1 is named 'web01' on the engine now, not 'web01-old' (renamed since it was listed)",
            "VM web01 is protected from deletion on the engine (delete_protected is on)",
            "VM web01 is up; stop it first or pass force=true",
        ])
        #expect(issues[1].fix == "turn it off on the engine")
    }

    @Test("a plan of another sort (a create's) is not taken for an operation")
    func createPlanIsNoOperation() throws {
        struct CreatePayload: Codable { var action = "create_vm"; var steps = ["clone"] }
        let plan = try ProvisioningPlan(engine: "e1", kind: "test", steps: [], payload: CreatePayload())
        #expect(VMOperationPlan.operation(of: plan) == nil)
    }
}
