import AggregatorCore
import BackendSupport
import Logging

extension OvirtBackend: VMPowerBackend, VMDeletingBackend {
    /// How oVirt names its delete protection, for refusals.
    static let deleteProtection = VMOperationPlanner.Protection(
        setting: "delete_protected",
        fix: "turn Delete Protection off in the VM's settings on the engine (delete_protected=false), then try again")

    /// Reads the VM now (`GET /vms/{id}` and its disk attachments) and plans `request` with the
    /// common rules (``VMOperationPlanner``): `POST /vms/{id}/{action}` for a power action,
    /// `DELETE /vms/{id}` for a delete (after `POST /vms/{id}/stop` when the VM runs and `force` is
    /// set). Changes nothing.
    /// - Throws: ``BackendError`` `.notFound` when the engine has no such VM, or when it cannot be read.
    public func planOperation(_ request: VMOperationRequest) async throws -> PlanOutcome {
        let path = "vms/" + FormEncoding.pathSegment(request.vmID)
        let vm: OvirtOperatedVM
        do {
            vm = try await session.get(OvirtOperatedVM.self, path: path, expected: "a JSON vm", correlationID: nil)
        } catch let error as BackendError where error.code == .notFound {
            throw BackendError(.notFound, engine: name, message: "VM \(request.vmName) (\(request.vmID)) is not on the engine",
                               httpStatus: 404)
        }
        var disks = 0
        if request.operation == .delete {
            disks = try await session.get(OvirtCollection<OvirtDiskAttachment>.self, path: "\(path)/diskattachments",
                                          expected: "a JSON disk attachment list").items.count
        }
        let vmID = request.vmID
        let planner = VMOperationPlanner(engine: name, kind: kind, protection: Self.deleteProtection) { operation in
            operation == .delete ? "DELETE /vms/\(vmID)" : "POST /vms/\(vmID)/\(operation.rawValue)"
        }
        return try planner.outcome(request, vm: VMOperationPlanner.EngineVM(
            id: vm.id ?? request.vmID, name: vm.name ?? request.vmID, status: OvirtMapping.status(vm.status),
            deleteProtected: vm.deleteProtected?.value ?? false, diskCount: disks))
    }

    /// Runs a ``VMOperationPlan`` (``VMOperationRun``): each call with the job's `Correlation-Id`,
    /// then the wait for the status it leads to.
    func executeOperation(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        let payload = try plan.payload(as: VMOperationPlan.self)
        let execution = PlanExecution(engine: name, plan: plan, job: context, metadata: [
            "job.correlation_id": "\(context.correlationID)", "job.action": "\(payload.vmOperation.jobAction)",
            "vm.id": "\(payload.vmID)",
        ])
        let operation = OvirtOperation(calls: OvirtJobCalls(session: session, options: provisioning,
                                                            correlationID: context.correlationID),
                                       payload: payload)
        return try await VMOperationRun(payload: payload, execution: execution).run(
            status: { try await operation.status() },
            perform: { step in try await operation.perform(step.operation) })
    }
}

/// What planning reads of a VM.
struct OvirtOperatedVM: Decodable, Sendable {
    var id: String?
    var name: String?
    var status: String?
    var deleteProtected: OvirtBool?

    enum CodingKeys: String, CodingKey {
        case id, name, status
        case deleteProtected = "delete_protected"
    }
}
