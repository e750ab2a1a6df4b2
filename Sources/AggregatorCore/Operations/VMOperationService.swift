import Foundation

/// Accepts VM operations (start, stop, shutdown, reboot, suspend, delete): the one path from
/// "these VMs, this action" to jobs, for the single-VM routes, the bulk route and the web face.
///
/// For a batch it, in order:
/// 1. refuses a target whose engine is not configured or whose kind lacks the capability;
/// 2. finds each VM in the live model (a delete of a VM that is gone answers the job that removed
///    it), and for a delete checks the name the caller typed against the VM's name;
/// 3. plans every target against its engine, concurrently, and refuses the whole batch if any is
///    refused or any engine cannot be read: nothing runs unless everything planned;
/// 4. for a dry run returns the plans; otherwise stores one job per VM and hands it to the
///    ``JobRunner`` (bounded per engine as creates are), then optionally waits.
public struct VMOperationService: Sendable {
    public let inventory: EngineSet
    public let runner: JobRunner

    public init(inventory: EngineSet, runner: JobRunner) {
        self.inventory = inventory
        self.runner = runner
    }

    /// One VM the request names.
    public struct Target: Sendable, Hashable {
        public var engine: String
        public var vmID: String
        /// The name the caller typed (required for a delete: it must be the VM's current name).
        public var expectedName: String?
        /// Where the request named it (`vms[2]`, `id`), for messages.
        public var path: String

        public init(engine: String, vmID: String, expectedName: String? = nil, path: String) {
            self.engine = engine
            self.vmID = vmID
            self.expectedName = expectedName
            self.path = path
        }
    }

    /// How to run a batch.
    public struct Options: Sendable, Hashable {
        public var dryRun = false
        public var wait: Duration?
        /// Power off a VM that does not shut down in time; power off a running VM before deleting it.
        public var force = false
        public var shutdownTimeoutSeconds = 300
        /// The id of the request that asked (`X-Request-Id`): stored with each job, and with the
        /// target's index its engine correlation id.
        public var requestID: String?
        /// The caller's `Idempotency-Key`: the same key for the same operation on the same VM is
        /// the same job. Without one every request is a new job (the engines' state makes a repeat
        /// harmless: stopping a stopped VM is a step that says so).
        public var idempotencyKey: String?
        /// The ordering document the operation traces back to, when the caller names one.
        public var documentNum: String?

        public init(dryRun: Bool = false, wait: Duration? = nil) {
            self.dryRun = dryRun
            self.wait = wait
        }
    }

    /// What a dry run found for one target.
    public struct PlannedOperation: Sendable, Hashable {
        public var target: Target
        public var vm: VM?
        /// The plan; nil when an earlier job already did it (a delete of a VM that is gone).
        public var plan: ProvisioningPlan?
        public var existingJob: Job?
    }

    public enum Outcome: Sendable {
        case planned([PlannedOperation])
        case accepted([ProvisioningService.AcceptedJob], waited: Bool)
    }

    /// Plans and, unless `options.dryRun`, starts `operation` on every target.
    /// - Throws: ``VMOperationError`` when the batch is refused (nothing ran), or the job store's error.
    public func submit(_ operation: VMOperation, targets: [Target], options: Options) async throws -> Outcome {
        try checkEngines(operation, targets)
        var vms: [Int: VM] = [:]
        var done: [Int: Job] = [:]
        var missing: [Target] = []
        var issues: [ValidationIssue] = []
        for (index, target) in targets.enumerated() {
            if let vm = await liveVM(target) {
                vms[index] = vm
                if operation == .delete {
                    if let problem = Self.nameProblem(target, vm: vm) { issues.append(problem) }
                }
            } else if operation == .delete, let removal = try await removalJob(target) {
                done[index] = removal
            } else {
                missing.append(target)
            }
        }
        if !missing.isEmpty { throw VMOperationError.unknownVMs(missing) }
        if !issues.isEmpty { throw VMOperationError.invalid(issues) }

        var requests: [Int: VMOperationRequest] = [:]
        for (index, vm) in vms {
            requests[index] = VMOperationRequest(
                operation: operation, engine: vm.engine, vmID: vm.id, vmName: vm.name, force: options.force,
                shutdownTimeoutSeconds: options.shutdownTimeoutSeconds, path: targets[index].path)
        }
        let plans = try await plan(requests)

        if options.dryRun {
            return .planned(targets.indices.map { index in
                PlannedOperation(target: targets[index], vm: vms[index], plan: plans[index], existingJob: done[index])
            })
        }
        var accepted: [ProvisioningService.AcceptedJob] = []
        let key = options.idempotencyKey ?? UUID().uuidString.lowercased()
        for (index, target) in targets.enumerated() {
            if let job = done[index] {
                accepted.append(.init(job: job, reused: true))
                continue
            }
            guard let vm = vms[index], let plan = plans[index] else { continue }
            var job = Job(action: operation.jobAction, engine: vm.engine, kind: plan.kind,
                          documentNum: options.documentNum ?? "", target: vm.name,
                          idempotencyKey: "\(operation.jobAction)|\(vm.engine)|\(vm.id)|\(key)", itemIndex: index,
                          meta: RequestMeta(documentNum: options.documentNum ?? ""), plan: plan,
                          requestID: options.requestID, correlationID: options.requestID.map { "\($0)-\(index)" })
            job.vmID = target.vmID
            let stored = try await runner.accept(job, plan: plan)
            accepted.append(.init(job: stored.job, reused: !stored.inserted))
        }
        guard let wait = options.wait, wait > .zero else { return .accepted(accepted, waited: false) }
        let finished = try await runner.wait(for: accepted.map(\.job.id), timeout: wait)
        let byID = Dictionary(finished.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return .accepted(accepted.map { .init(job: byID[$0.job.id] ?? $0.job, reused: $0.reused) }, waited: true)
    }

    private func checkEngines(_ operation: VMOperation, _ targets: [Target]) throws(VMOperationError) {
        var missing: [ProvisioningError.MissingCapability] = []
        for target in targets {
            guard let backend = inventory.backend(named: target.engine) else {
                throw .unknownEngine(target)
            }
            if !backend.capabilities.contains(operation.capability) {
                missing.append(.init(path: target.path, engine: target.engine, kind: backend.kind,
                                     capability: operation.capability.names.first ?? operation.rawValue))
            }
        }
        if !missing.isEmpty { throw .unsupported(missing) }
    }

    /// The VM as the live model has it, reading the engine first if it never was.
    private func liveVM(_ target: Target) async -> VM? {
        guard let engine = inventory.model.engine(named: target.engine) else { return nil }
        if !engine.snapshot.tried { await engine.ensureTried() }
        return engine.snapshot.vms.record(id: target.vmID)?.item
    }

    /// The job that deleted this VM, when one did.
    private func removalJob(_ target: Target) async throws -> Job? {
        try await runner.store.jobs(matching: JobFilter(state: .succeeded, engine: target.engine, vmID: target.vmID))
            .first { $0.action == VMOperation.delete.jobAction }
    }

    static func nameProblem(_ target: Target, vm: VM) -> ValidationIssue? {
        guard let expected = target.expectedName else {
            return ValidationIssue(path: "\(target.path).name", message: "a delete must name the VM it removes",
                                   fix: "pass name=\(vm.name) (the VM's current name) to confirm")
        }
        guard expected == vm.name else {
            return ValidationIssue(
                path: "\(target.path).name",
                message: "'\(expected)' is not the name of VM \(vm.id) on engine \(vm.engine), which is '\(vm.name)'",
                fix: "check the id; nothing was deleted")
        }
        return nil
    }

    /// Plans every request concurrently; throws when any is refused or any engine cannot be read.
    private func plan(_ requests: [Int: VMOperationRequest]) async throws(VMOperationError) -> [Int: ProvisioningPlan] {
        let outcomes = await inventory.callEach(requests.map { ($0.key, $0.value.engine) }, name: "plan") { index, backend in
            guard let operating = backend as? any VMOperatingBackend, let request = requests[index] else {
                throw BackendError(.unsupported, engine: backend.name, message: "\(backend.kind) engines operate no VMs")
            }
            return try await operating.planOperation(request)
        }
        var plans: [Int: ProvisioningPlan] = [:]
        var issues: [ValidationIssue] = []
        var gone: [Target] = []
        var failures: [BackendError] = []
        for (index, outcome) in outcomes {
            switch outcome {
            case .success(.ready(let plan)): plans[index] = plan
            case .success(.invalid(let found)): issues += found
            case .failure(let error) where error.code == .notFound:
                if let request = requests[index] {
                    gone.append(Target(engine: request.engine, vmID: request.vmID, path: request.path))
                }
            case .failure(let error): failures.append(error)
            }
        }
        if !gone.isEmpty { throw .unknownVMs(gone) }
        if !issues.isEmpty { throw .invalid(issues.sorted { $0.path < $1.path }) }
        if !failures.isEmpty { throw .enginesUnavailable(failures.sorted { $0.engine < $1.engine }) }
        return plans
    }
}

/// Why a batch of VM operations was refused. Nothing ran on any engine.
public enum VMOperationError: Error, Sendable {
    /// A target names an engine that is not configured.
    case unknownEngine(VMOperationService.Target)
    /// Targets name VMs their engine does not have.
    case unknownVMs([VMOperationService.Target])
    /// Kinds that cannot do the operation.
    case unsupported([ProvisioningError.MissingCapability])
    /// The engines refuse (protection, a running VM to delete without force, a wrong name).
    case invalid([ValidationIssue])
    /// Engines could not be read to plan.
    case enginesUnavailable([BackendError])
}
