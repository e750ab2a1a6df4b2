import AggregatorCore

/// Plans a VM operation from the VM as the engine shows it now; the same rules for every kind.
///
/// - A step whose state is already there is planned `alreadyDone` (stopping a VM that is down),
///   and the job records it skipped.
/// - A reboot or suspend of a VM that is not running, and anything on a VM whose disks are still
///   being made (`image_locked`), is refused.
/// - A delete is refused when the engine's protection is on, when the VM's name is not the one the
///   request confirmed (renamed since the live model read it), or when the VM is not down and
///   `force` is off; with `force` a running VM is powered off first.
///
/// The kind supplies the engine call of each operation (`POST /vms/{id}/stop`), which begins each
/// step's description.
public struct VMOperationPlanner: Sendable {
    /// The VM as the engine has it now.
    public struct EngineVM: Sendable, Hashable {
        /// The engine's id (UUID, vmid).
        public var id: String
        /// Its name on the engine now (a delete refuses another name).
        public var name: String
        /// The common status (`up`, `down`, `suspended`, `paused`, `powering_up`, `image_locked`, ...).
        public var status: String
        /// The engine's delete protection is on.
        public var deleteProtected: Bool
        /// Disks deleted with the VM.
        public var diskCount: Int
        /// The node it runs on (Proxmox VE).
        public var node: String?
        /// The engine refuses to delete it until it is stopped: any status but `down` on oVirt
        /// (a suspended VM too); on Proxmox VE a running or paused VM, not a hibernated one.
        public var mustStopBeforeDelete: Bool

        /// - Parameter mustStopBeforeDelete: Whether a delete must stop it first; by default
        ///   whenever it is not `down`.
        public init(id: String, name: String, status: String, deleteProtected: Bool, diskCount: Int, node: String? = nil,
                    mustStopBeforeDelete: Bool? = nil) {
            self.id = id
            self.name = name
            self.status = status
            self.deleteProtected = deleteProtected
            self.diskCount = diskCount
            self.node = node
            self.mustStopBeforeDelete = mustStopBeforeDelete ?? (status != "down")
        }
    }

    /// How the kind names its protection and the way to turn it off, for refusals.
    public struct Protection: Sendable, Hashable {
        /// The engine's setting (`delete_protected`, `protection`).
        public var setting: String
        /// How an operator turns it off (`uncheck Delete Protection in the VM's settings on the engine`).
        public var fix: String

        /// How the kind names its protection (`setting`) and how to turn it off (`fix`).
        public init(setting: String, fix: String) {
            self.setting = setting
            self.fix = fix
        }
    }

    /// The engine's name, for the plan.
    public var engine: String
    /// The engine's kind, for the plan.
    public var kind: BackendKind
    /// How the kind names its delete protection.
    public var protection: Protection
    /// The engine call of an operation on the VM: `POST /vms/{id}/stop`.
    public var call: @Sendable (VMOperation) -> String

    /// A planner for one engine; `call` gives the engine call of an operation on the VM.
    public init(engine: String, kind: BackendKind, protection: Protection,
                call: @escaping @Sendable (VMOperation) -> String) {
        self.engine = engine
        self.kind = kind
        self.protection = protection
        self.call = call
    }

    /// The plan of `request` on `vm`, or why it is refused.
    /// - Throws: ``BackendError`` when the plan cannot be encoded.
    public func outcome(_ request: VMOperationRequest, vm: EngineVM) throws(BackendError) -> PlanOutcome {
        let steps: [VMOperationPlan.Step]
        switch self.steps(request, vm: vm) {
        case .refused(let issues): return .invalid(issues)
        case .steps(let planned): steps = planned
        }
        let payload = VMOperationPlan(
            vmOperation: request.operation, vmID: vm.id, vmName: vm.name, node: vm.node, force: request.force,
            shutdownTimeoutSeconds: request.shutdownTimeoutSeconds, diskCount: vm.diskCount, steps: steps)
        let described = steps.map { step in
            ProvisioningPlan.Step(name: step.name, description: description(of: step, in: payload),
                                  alreadyDone: step.alreadyDone)
        }
        return .ready(try ProvisioningPlan(engine: engine, kind: kind, steps: described, payload: payload))
    }

    private enum Steps {
        case steps([VMOperationPlan.Step])
        case refused([ValidationIssue])
    }

    private func steps(_ request: VMOperationRequest, vm: EngineVM) -> Steps {
        func refuse(_ message: String, _ fix: String) -> Steps {
            .refused([ValidationIssue(path: request.path, message: message, fix: fix)])
        }
        let name = vm.name
        if vm.status == "image_locked" {
            return refuse("VM \(name) is locked (image_locked): the engine is still making its disks",
                          "wait until the engine has finished, then try again")
        }
        switch request.operation {
        case .start:
            return .steps([.init(.start, alreadyDone: vm.status == "up")])
        case .stop, .shutdown:
            return .steps([.init(request.operation, alreadyDone: vm.status == "down")])
        case .reboot:
            if vm.status == "down" || vm.status == "suspended" {
                return refuse("VM \(name) is \(vm.status); only a running VM can be rebooted", "start it instead")
            }
            return .steps([.init(.reboot)])
        case .suspend:
            if vm.status == "down" {
                return refuse("VM \(name) is down; only a running VM can be suspended", "start it first")
            }
            return .steps([.init(.suspend, alreadyDone: vm.status == "suspended")])
        case .delete:
            var issues: [ValidationIssue] = []
            if vm.name != request.vmName {
                issues.append(ValidationIssue(
                    path: request.path,
                    message: "VM \(vm.id) is named '\(vm.name)' on the engine now, not '\(request.vmName)' (renamed since it was listed)",
                    fix: "check the VM and confirm its current name; nothing was deleted"))
            }
            if vm.deleteProtected {
                issues.append(ValidationIssue(
                    path: request.path,
                    message: "VM \(name) is protected from deletion on the engine (\(protection.setting) is on)",
                    fix: protection.fix))
            }
            let running = vm.mustStopBeforeDelete
            if running, !request.force {
                issues.append(ValidationIssue(path: request.path, message: "VM \(name) is \(vm.status); stop it first or pass force=true",
                                              fix: "stop the VM, or pass force=true to power it off before the delete"))
            }
            if !issues.isEmpty { return .refused(issues) }
            return .steps((running ? [.init(.stop)] : []) + [.init(.delete)])
        }
    }

    /// `POST /vms/{id}/stop: power off web01`, or what makes an `alreadyDone` step so.
    func description(of step: VMOperationPlan.Step, in plan: VMOperationPlan) -> String {
        let call = self.call(step.operation)
        let name = plan.vmName
        if step.alreadyDone {
            return "\(call): \(name) is already \(VMOperationRun.target(of: step.operation) ?? "as asked"); nothing to do"
        }
        switch step.operation {
        case .start:
            return "\(call): power on \(name) (a suspended VM resumes)"
        case .stop:
            return plan.vmOperation == .delete ? "\(call): power off \(name) before the delete (force)" : "\(call): power off \(name)"
        case .shutdown:
            let then = plan.force ? "then power it off" : "then fail"
            return "\(call): shut down the guest of \(name), waiting up to \(plan.shutdownTimeoutSeconds) s, \(then)"
        case .reboot:
            return "\(call): restart \(name)"
        case .suspend:
            return "\(call): save the memory of \(name) and stop it"
        case .delete:
            let disks = plan.diskCount == 1 ? "its 1 disk" : "its \(plan.diskCount) disks"
            return "\(call): removes \(name) and \(disks) (as the engine's portal does)"
        }
    }
}
