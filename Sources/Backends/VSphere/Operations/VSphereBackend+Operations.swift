import AggregatorCore
import BackendSupport
import Logging

extension VSphereBackend: VMPowerBackend, VMDeletingBackend {
    /// vSphere has no delete-protection flag; a VM whose `Destroy_Task` a solution disabled
    /// (`AuthorizationManager.DisableMethods`, listed in its `disabledMethod`) cannot be deleted.
    static let deleteProtection = VMOperationPlanner.Protection(
        setting: "Destroy_Task in disabledMethod",
        fix: "the solution that disabled Destroy_Task on this VM (a backup product, vCloud Director) must enable it "
            + "again (AuthorizationManager.EnableMethods) before the VM can be deleted")

    /// Reads the VM now (name, power state, devices, disabled methods) and plans `request` with
    /// the common rules (``VMOperationPlanner``): `PowerOnVM_Task`, `PowerOffVM_Task`,
    /// `ShutdownGuest`, `RebootGuest`, `SuspendVM_Task` or `Destroy_Task` (after a power off when
    /// the VM runs and `force` is set). Changes nothing.
    /// - Throws: ``BackendError`` `.notFound` when the vCenter has no such VM, or when it cannot be read.
    public func planOperation(_ request: VMOperationRequest) async throws -> PlanOutcome {
        let operation = self.operation(vmID: request.vmID, name: request.vmName)
        guard let object = try await operation.read() else {
            throw BackendError(.notFound, engine: name,
                               message: "VM \(request.vmName) (\(request.vmID)) is not on the vCenter", httpStatus: 404)
        }
        let power = object.string("runtime.powerState")
        let planner = VMOperationPlanner(engine: name, kind: kind, protection: Self.deleteProtection) { operation in
            "\(VSphereOperation.method(operation)) on VirtualMachine:\(request.vmID)"
        }
        return try planner.outcome(request, vm: VMOperationPlanner.EngineVM(
            id: request.vmID, name: object.string("name") ?? request.vmID, status: VSphereInventory.vmStatus(power),
            deleteProtected: VSphereOperation.deleteProtected(object), diskCount: VSphereOperation.diskCount(object),
            // A suspended VM is destroyed with its saved state as it is, as the vSphere Client does.
            mustStopBeforeDelete: power == "poweredOn"))
    }

    /// Runs a ``VMOperationPlan`` (``VMOperationRun``): each task recorded with its step and
    /// followed to its end; a task an unfinished step of an earlier run recorded is followed before
    /// the step looks at the VM again.
    func executeOperation(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        let payload = try plan.payload(as: VMOperationPlan.self)
        let execution = PlanExecution(engine: name, plan: plan, job: context, metadata: [
            "job.action": "\(payload.vmOperation.jobAction)", "vm.id": "\(payload.vmID)", "vm.name": "\(payload.vmName)",
        ], stepOnlyIDs: ["task"])
        let operation = self.operation(vmID: payload.vmID, name: payload.vmName)
        let recorder = context.recorder
        return try await VMOperationRun(payload: payload, execution: execution).run(
            resume: { step, record in
                guard let task = record.engineIDs["task"] else { return }
                _ = try? await operation.tasks.waitForTask(ManagedObjectReference("Task", task), what: step.name)
            },
            status: { try await operation.status() },
            perform: { step in
                try await operation.perform(step.operation, plan: payload) { task in
                    await recorder.stepReportedIDs(step.name, engineIDs: ["task": task, "vm_id": payload.vmID])
                }
            })
    }

    private func operation(vmID: String, name: String) -> VSphereOperation {
        VSphereOperation(tasks: VSphereTaskFollower(session: session, options: options),
                         vm: ManagedObjectReference("VirtualMachine", vmID), name: name,
                         pollInterval: options.taskPollInterval)
    }
}
