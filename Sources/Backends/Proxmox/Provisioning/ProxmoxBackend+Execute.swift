import AggregatorCore
import BackendSupport
import Logging

extension ProxmoxBackend {
    /// Runs a plan made by ``plan(_:)`` (a VM operation's from ``planOperation(_:)``: see
    /// ``executeOperation(_:context:)``): the steps of its ``ProxmoxPlan`` payload in order, each
    /// reported to `context.recorder`, every task followed to its end.
    ///
    /// Idempotent: a VM of the plan's name whose description carries this job's marker is reused,
    /// and steps whose effect is already there (configuration values equal, disk at size, disk slot
    /// present, VM running) are skipped. A VM of that name without the marker is left alone and the
    /// job fails. Nothing is rolled back on failure: the record says what exists.
    ///
    /// Resuming (`context.recordedSteps` from a run that was stopped): the steps it finished are not
    /// run again (the clone's recorded `vm_id` gives the VM), and a task a step it left unfinished
    /// had started (its recorded `upid`) is followed to its end before the step looks again.
    /// - Throws: ``BackendError`` with the engine's text, or `CancellationError` when the job is
    ///   cancelled (between steps and polls).
    public func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        if VMOperationPlan.operation(of: plan) != nil {
            return try await executeOperation(plan, context: context)
        }
        let payload = try plan.payload(as: ProxmoxPlan.self)
        let run = ProxmoxRun(backend: self, plan: plan, payload: payload, job: context)
        return try await run.run()
    }
}

/// One execution of a plan, used from the job's task only.
final class ProxmoxRun {
    let backend: ProxmoxBackend
    let payload: ProxmoxPlan
    /// The record of the run; task ids (`upid`) stay with their steps, out of the job's result.
    let execution: PlanExecution
    /// The VM's id once cloned (or found).
    var vmid: Int?

    init(backend: ProxmoxBackend, plan: ProvisioningPlan, payload: ProxmoxPlan, job: JobContext) {
        self.backend = backend
        self.payload = payload
        self.execution = PlanExecution(engine: backend.name, plan: plan, job: job,
                                       metadata: ["vm.name": "\(payload.name)"], stepOnlyIDs: ["upid"])
    }

    var session: ProxmoxSession { backend.session }
    var options: ProxmoxOptions { backend.options }
    var engine: String { backend.name }
    var job: JobContext { execution.job }
    var recorder: any JobRecorder { execution.recorder }
    var metadata: Logger.Metadata { execution.metadata }
    var engineIDs: [String: String] {
        get { execution.engineIDs }
        set { execution.engineIDs = newValue }
    }

    func run() async throws -> ProvisioningResult {
        execution.logStarted()
        for step in payload.steps {
            try Task.checkCancellation()
            if step == .clone, let restored = execution.doneBefore(step.name, restore: Self.clonedVM) {
                vmid = restored
                continue
            }
            if step != .clone, execution.doneBefore(step.name) { continue }
            switch step {
            case .clone: try await cloneStep()
            case .configure: try await configureStep()
            case .resizeBootDisk: try await resizeStep()
            case .addDisk(let index): try await addDiskStep(index)
            case .start: try await startStep()
            case .waitRunning: try await waitRunningStep()
            }
        }
        let id = vmid.map(String.init) ?? "?"
        let last = payload.steps.last
        let state = last == .waitRunning || last == .start ? "is running" : "exists"
        return execution.finished(summary: "VM \(payload.name) (vmid \(id)) \(state) on node \(payload.node)")
    }

    // MARK: - Recording

    /// Records `step` as started, runs `body`, and records its success (with its ids) or failure.
    func step(_ step: ProxmoxPlan.Step,
              _ body: () async throws -> (detail: String?, ids: [String: String])) async throws {
        try await execution.step(step.name) {
            let (detail, ids) = try await body()
            return (value: (), detail: detail, ids: ids)
        }
    }

    func skip(_ step: ProxmoxPlan.Step, _ reason: String, ids: [String: String] = [:]) async {
        await execution.skip(step.name, reason: reason, ids: ids)
    }

    /// The VM's id from the ids a finished clone step recorded (`vm_id`).
    static func clonedVM(_ ids: [String: String]) -> Int? {
        ids["vm_id"].flatMap(Int.init)
    }

    func backendError(_ error: any Error) -> BackendError { execution.backendError(error) }

    /// The VM's id, known once the clone step ran.
    func requireVMID() throws -> Int {
        guard let vmid else {
            throw BackendError(.invalidResponse, engine: engine, message: "the plan has no clone step before this one")
        }
        return vmid
    }

    /// `nodes/NODE/qemu/VMID`.
    func vmPath(_ vmid: Int) -> String { "nodes/\(FormEncoding.pathSegment(payload.node))/qemu/\(vmid)" }
}
