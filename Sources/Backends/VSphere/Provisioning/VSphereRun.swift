import AggregatorCore
import BackendSupport
import Logging

/// One execution of a create's plan, used from the job's task only.
final class VSphereRun {
    /// Ports of a port group this kind makes (early binding; vCenter grows it as VMs join when
    /// `autoExpand` is on, the default since 5.1).
    static let portGroupPorts = 8

    let backend: VSphereBackend
    let payload: VSpherePlan
    let execution: PlanExecution
    let tasks: VSphereTaskFollower
    /// The VM once cloned (or found).
    var vm: ManagedObjectReference?
    /// The port group's key once found or made.
    var portGroupKey: String?

    init(backend: VSphereBackend, plan: ProvisioningPlan, payload: VSpherePlan, job: JobContext) {
        self.backend = backend
        self.payload = payload
        self.execution = PlanExecution(engine: backend.name, plan: plan, job: job,
                                       metadata: ["vm.name": "\(payload.vm?.name ?? "-")"],
                                       stepOnlyIDs: ["task", "port_group_key"])
        self.tasks = VSphereTaskFollower(session: backend.session, options: backend.options)
    }

    var session: VSphereSession { backend.session }
    var engine: String { backend.name }
    var job: JobContext { execution.job }
    var recorder: any JobRecorder { execution.recorder }

    func run() async throws -> ProvisioningResult {
        execution.logStarted()
        for step in payload.steps {
            try Task.checkCancellation()
            switch step {
            case .portGroup:
                if let key = execution.doneBefore(step.name, restore: { $0["port_group_key"] }) {
                    portGroupKey = key
                    continue
                }
            case .clone:
                if let id = execution.doneBefore(step.name, restore: { $0["vm_id"] }) {
                    vm = ManagedObjectReference("VirtualMachine", id)
                    continue
                }
            default:
                if execution.doneBefore(step.name) { continue }
            }
            switch step {
            case .portGroup: try await portGroupStep()
            case .clone: try await cloneStep()
            case .configure: try await configureStep()
            case .resizeBootDisk: try await resizeStep()
            case .addDisk(let index): try await addDiskStep(index)
            case .customize: try await customizeStep()
            case .powerOn: try await powerOnStep()
            }
        }
        let network = payload.network
        guard let machine = payload.vm else {
            return execution.finished(summary: "port group \(network.portGroupName) carries VLAN \(network.vlanID) on "
                                        + "distributed switch \(network.switchName)")
        }
        let state = payload.steps.last == .powerOn ? "is running" : "exists"
        return execution.finished(summary: "VM \(machine.name) (\(vm?.value ?? "?")) \(state) in cluster "
                                    + "\(machine.cluster) on port group \(network.portGroupName)")
    }

    // MARK: - Recording

    /// Records `step` as started, runs `body`, and records its success (with its ids) or failure.
    func step(_ step: VSpherePlan.Step,
              _ body: () async throws -> (detail: String?, ids: [String: String])) async throws {
        try await execution.step(step.name) {
            let (detail, ids) = try await body()
            return (value: (), detail: detail, ids: ids)
        }
    }

    func skip(_ step: VSpherePlan.Step, _ reason: String, ids: [String: String] = [:]) async {
        await execution.skip(step.name, reason: reason, ids: ids)
    }

    /// Starts `method` on `this`, puts the task on record for `step`, and follows it to its end.
    @discardableResult
    func runTask(_ step: VSpherePlan.Step, _ method: String, on this: ManagedObjectReference,
                 _ arguments: [SOAPNode]) async throws -> (task: ManagedObjectReference, outcome: VSphereTaskFollower.Outcome) {
        let task = try await tasks.start(method, on: this, arguments)
        await recorder.stepReportedIDs(step.name, engineIDs: ["task": task.value])
        let outcome = try await tasks.waitForTask(task, what: step.name)
        return (task, outcome)
    }

    /// Follows to its end the task that a stopped run had started during `step` (the `task` on
    /// the step's record), so the step then looks at the vCenter as the task left it, and returns
    /// how it ended. A task that failed, or that the vCenter no longer knows, is logged and the
    /// step runs as usual (nil).
    @discardableResult
    func finishRecordedTask(of step: VSpherePlan.Step) async throws -> VSphereTaskFollower.Outcome? {
        guard let id = execution.unfinishedStep(step.name)?.engineIDs["task"] else { return nil }
        do {
            return try await tasks.waitForTask(ManagedObjectReference("Task", id), what: step.name)
        } catch let error as BackendError where error.code == .httpStatus || error.code == .notFound {
            job.logger.info("Task of a stopped run failed; the step runs again", metadata: execution.metadata.merging([
                "job.step": "\(step.name)", "error.message": "\(error.message)",
            ]) { $1 })
            return nil
        }
    }

    /// The VM, known once the clone step ran.
    func requireVM() throws -> ManagedObjectReference {
        guard let vm else {
            throw BackendError(.invalidResponse, engine: engine, message: "the plan has no clone step before this one")
        }
        return vm
    }

    /// The VM's machine part of the plan.
    func requireMachine() throws -> VSpherePlan.Machine {
        guard let machine = payload.vm else {
            throw BackendError(.invalidResponse, engine: engine, message: "the plan makes no VM")
        }
        return machine
    }

    /// `paths` of the VM now.
    func readVM(_ paths: [String]) async throws -> ObjectContent {
        let reference = try requireVM()
        guard let object = try await backend.readObject(reference, paths: paths) else {
            throw BackendError(.notFound, engine: engine,
                               message: "VM \(payload.vm?.name ?? "?") (\(reference.value)) is gone from the vCenter")
        }
        return object
    }
}
