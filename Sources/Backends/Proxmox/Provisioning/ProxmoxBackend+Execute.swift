import AggregatorCore
import Logging

extension ProxmoxBackend {
    /// Runs a plan made by ``plan(_:)``: the steps of its ``ProxmoxPlan`` payload in order, each
    /// reported to `context.recorder`, every task followed to its end.
    ///
    /// Idempotent: a VM of the plan's name whose description carries this job's marker is reused,
    /// and steps whose effect is already there (configuration values equal, disk at size, disk slot
    /// present, VM running) are skipped. A VM of that name without the marker is left alone and the
    /// job fails. Nothing is rolled back on failure: the record says what exists.
    /// - Throws: ``BackendError`` with the engine's text, or `CancellationError` when the job is
    ///   cancelled (between steps and polls).
    public func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        let payload = try plan.payload(as: ProxmoxPlan.self)
        let run = ProxmoxRun(backend: self, plan: plan, payload: payload, job: context)
        return try await run.run()
    }
}

/// One execution of a plan, used from the job's task only.
final class ProxmoxRun {
    let backend: ProxmoxBackend
    let plan: ProvisioningPlan
    let payload: ProxmoxPlan
    let job: JobContext
    /// The VM's id once cloned (or found).
    var vmid: Int?
    var engineIDs: [String: String] = [:]

    init(backend: ProxmoxBackend, plan: ProvisioningPlan, payload: ProxmoxPlan, job: JobContext) {
        self.backend = backend
        self.plan = plan
        self.payload = payload
        self.job = job
    }

    var session: ProxmoxSession { backend.session }
    var options: ProxmoxOptions { backend.options }
    var engine: String { backend.name }
    var recorder: any JobRecorder { job.recorder }
    var metadata: Logger.Metadata {
        ["backend.name": "\(engine)", "job.id": "\(job.jobID)", "vm.name": "\(payload.name)"]
    }

    func run() async throws -> ProvisioningResult {
        job.logger.info("Provisioning started", metadata: metadata)
        for step in payload.steps {
            try Task.checkCancellation()
            switch step {
            case .clone: try await cloneStep()
            case .configure: try await configureStep()
            case .resizeBootDisk: try await resizeStep()
            case .addDisk(let index): try await addDiskStep(index)
            case .start: try await startStep()
            case .waitRunning: try await waitRunningStep()
            }
        }
        job.logger.info("Provisioning finished", metadata: metadata)
        let id = vmid.map(String.init) ?? "?"
        let last = payload.steps.last
        let state = last == .waitRunning || last == .start ? "is running" : "exists"
        return ProvisioningResult(engineIDs: engineIDs,
                                  summary: "VM \(payload.name) (vmid \(id)) \(state) on node \(payload.node)")
    }

    // MARK: - Recording

    func description(of step: ProxmoxPlan.Step) -> String {
        plan.steps.first { $0.name == step.name }?.description ?? step.name
    }

    /// Records `step` as started, runs `body`, and records its success (with its ids) or failure.
    func step(_ step: ProxmoxPlan.Step,
              _ body: () async throws -> (detail: String?, ids: [String: String])) async throws {
        await recorder.stepStarted(step.name, description: description(of: step))
        do {
            let (detail, ids) = try await body()
            engineIDs.merge(ids.filter { $0.key != "upid" }) { $1 }
            await recorder.stepSucceeded(step.name, detail: detail, engineIDs: ids)
        } catch {
            let failure = backendError(error)
            await recorder.stepFailed(step.name, error: failure)
            job.logger.info("Provisioning step failed", metadata: metadata.merging([
                "job.step": "\(step.name)", "error.message": "\(failure.message)",
            ]) { $1 })
            if error is CancellationError { throw error }
            throw failure
        }
    }

    func skip(_ step: ProxmoxPlan.Step, _ reason: String) async {
        await recorder.stepSkipped(step.name, reason: reason)
    }

    func backendError(_ error: any Error) -> BackendError {
        switch error {
        case let error as BackendError: return error
        case is CancellationError: return BackendError(.transport, engine: engine, message: "the job was cancelled")
        default: return BackendError(.invalidResponse, engine: engine, message: "\(error)")
        }
    }

    /// The VM's id, known once the clone step ran.
    func requireVMID() throws -> Int {
        guard let vmid else {
            throw BackendError(.invalidResponse, engine: engine, message: "the plan has no clone step before this one")
        }
        return vmid
    }

    /// `nodes/NODE/qemu/VMID`.
    func vmPath(_ vmid: Int) -> String { "nodes/\(ProxmoxEncoding.pathSegment(payload.node))/qemu/\(vmid)" }
}
