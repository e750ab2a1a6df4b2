import AggregatorCore
import BackendSupport
import Logging

extension ProxmoxBackend: VMPowerBackend, VMDeletingBackend {
    /// How Proxmox VE names its protection, for refusals.
    static let deleteProtection = VMOperationPlanner.Protection(
        setting: "protection",
        fix: "turn Protection off in the VM's Options on the engine (qm set VMID --protection 0), then try again")

    /// Reads the VM now (its node from `/cluster/resources`, its configuration and current status)
    /// and plans `request` with the common rules (``VMOperationPlanner``):
    /// `POST /nodes/{node}/qemu/{vmid}/status/{action}`, or
    /// `DELETE /nodes/{node}/qemu/{vmid}?purge=1&destroy-unreferenced-disks=1` (after a stop when
    /// the VM runs and `force` is set). Changes nothing.
    /// - Throws: ``BackendError`` `.notFound` when the cluster has no such VM, or when it cannot be read.
    public func planOperation(_ request: VMOperationRequest) async throws -> PlanOutcome {
        let operation = ProxmoxOperation(tasks: ProxmoxTaskFollower(session: session, options: options),
                                         vmid: Int(request.vmID) ?? -1, name: request.vmName)
        guard let guest = try await operation.guest() else {
            throw BackendError(.notFound, engine: name, message: "VM \(request.vmName) (vmid \(request.vmID)) is not on the cluster",
                               httpStatus: 404)
        }
        let node = guest.node ?? ""
        let vmPath = ProxmoxOperation.path(node: node, vmid: operation.vmid)
        async let readConfig = session.get(ProxmoxVMConfig.self, path: "\(vmPath)/config", expected: "a JSON VM configuration")
        async let readStatus = session.get(ProxmoxVMStatus.self, path: "\(vmPath)/status/current", expected: "a JSON VM status")
        let (config, status) = try await (readConfig, readStatus)
        let common = ProxmoxMapping.vmStatus(status: status.status, lock: status.lock, qmpStatus: status.qmpstatus).common
        let planner = VMOperationPlanner(engine: name, kind: kind, protection: Self.deleteProtection) { operation in
            operation == .delete ? "DELETE /\(vmPath)?purge=1&destroy-unreferenced-disks=1"
                : "POST /\(vmPath)/status/\(ProxmoxOperation.verb(operation, status: common))"
        }
        let protected = config["protection"].map { $0.value == "1" } ?? false
        return try planner.outcome(request, vm: VMOperationPlanner.EngineVM(
            id: request.vmID, name: config["name"]?.value ?? guest.name ?? request.vmID,
            status: common,
            deleteProtected: protected, diskCount: ProxmoxDrive.drives(of: config).filter(\.isDisk).count, node: node,
            // A hibernated VM (stopped, lock `suspended`) is destroyed with its saved state as it is.
            mustStopBeforeDelete: status.status != "stopped"))
    }

    /// Runs a ``VMOperationPlan`` (``VMOperationRun``): each call's task (UPID) recorded with its
    /// step and followed to its end; a task an unfinished step of an earlier run recorded is
    /// followed before the step looks at the VM again.
    func executeOperation(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        let payload = try plan.payload(as: VMOperationPlan.self)
        guard let vmid = Int(payload.vmID) else {
            throw BackendError(.invalidResponse, engine: name, message: "the plan's VM id '\(payload.vmID)' is not a vmid; plan it again")
        }
        let execution = PlanExecution(engine: name, plan: plan, job: context, metadata: [
            "job.action": "\(payload.vmOperation.jobAction)", "vm.id": "\(payload.vmID)", "vm.name": "\(payload.vmName)",
        ], stepOnlyIDs: ["upid"])
        let operation = ProxmoxOperation(tasks: ProxmoxTaskFollower(session: session, options: options), vmid: vmid,
                                          name: payload.vmName)
        let recorder = context.recorder
        return try await VMOperationRun(payload: payload, execution: execution).run(
            resume: { step, record in
                guard let upid = record.engineIDs["upid"] else { return }
                _ = try? await operation.tasks.waitForTask(upid, what: step.name)
            },
            status: { try await operation.status() },
            perform: { step in
                try await operation.perform(step.operation, plan: payload) { upid in
                    await recorder.stepReportedIDs(step.name, engineIDs: ["upid": upid, "vm_id": payload.vmID])
                }
            })
    }
}
