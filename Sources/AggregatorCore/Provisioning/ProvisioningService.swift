/// Accepts create requests: the one path from decoded items to jobs, for every API and the
/// command line.
///
/// For a batch of items it, in order:
/// 1. refuses items whose engine lacks the capability the action needs (``ProvisioningError/unsupported(_:)``);
/// 2. answers items already accepted (same document, engine, action and target) with their job;
/// 3. plans every other item against its live engine, concurrently, and refuses the whole batch
///    if any item is invalid or any engine cannot be read;
/// 4. for a dry run, returns the plans; otherwise stores one job per item with its typed plan
///    and hands it to the ``JobRunner``, then optionally waits for the jobs to end.
///
/// Nothing is created on an engine unless every item of the batch planned cleanly.
public struct ProvisioningService: Sendable {
    public let inventory: EngineSet
    public let runner: JobRunner

    public init(inventory: EngineSet, runner: JobRunner) {
        self.inventory = inventory
        self.runner = runner
    }

    /// How to handle a batch.
    public struct Options: Sendable, Hashable {
        /// Plan only: validate against the engines and report what would be done.
        public var dryRun = false
        /// Wait up to this long for the jobs to end before answering.
        public var wait: Duration?
        /// The id of the request that asked (`X-Request-Id`): stored with each job, and with the
        /// item's index it is the job's engine correlation id.
        public var requestID: String?

        public init(dryRun: Bool = false, wait: Duration? = nil, requestID: String? = nil) {
            self.dryRun = dryRun
            self.wait = wait
            self.requestID = requestID
        }
    }

    /// A job accepted for an item: new, or an earlier one for the same item.
    public struct AcceptedJob: Sendable, Hashable {
        public var job: Job
        /// True when the job was accepted before, for the same document, engine and target.
        public var reused: Bool

        public init(job: Job, reused: Bool) {
            self.job = job
            self.reused = reused
        }
    }

    /// What a dry run found for one item.
    public struct PlannedItem: Sendable, Hashable {
        public var item: ProvisioningItem
        /// The plan, or nil when an earlier job already covers the item.
        public var plan: ProvisioningPlan?
        public var existingJob: AcceptedJob?
    }

    /// The answer to a batch.
    public enum Outcome: Sendable {
        /// A dry run: what each item would do.
        case planned([PlannedItem])
        /// Jobs, one per item in request order; `waited` when the caller asked to wait.
        case accepted([AcceptedJob], waited: Bool)
    }

    /// Plans and, unless `options.dryRun`, starts `items`.
    /// - Throws: ``ProvisioningError`` when the batch is refused (nothing was created), or the job
    ///   store's error when it cannot be read or written.
    public func submit(_ items: [ProvisioningItem], options: Options = Options()) async throws -> Outcome {
        try checkCapabilities(items)

        var existing: [Int: Job] = [:]
        for item in items {
            if let job = try await runner.store.activeJob(idempotencyKey: Job.idempotencyKey(for: item)) {
                existing[item.index] = job
            }
        }
        let plans = try await plan(items.filter { existing[$0.index] == nil })

        if options.dryRun {
            return .planned(items.map { item in
                PlannedItem(item: item, plan: plans[item.index],
                            existingJob: existing[item.index].map { AcceptedJob(job: $0, reused: true) })
            })
        }

        var accepted: [AcceptedJob] = []
        for item in items {
            if let job = existing[item.index] {
                accepted.append(AcceptedJob(job: job, reused: true))
                continue
            }
            guard let plan = plans[item.index] else { continue }
            let job = Job(action: item.action, engine: item.engine, kind: plan.kind,
                          documentNum: item.meta.documentNum, target: Job.target(for: item),
                          idempotencyKey: Job.idempotencyKey(for: item), itemIndex: item.index, meta: item.meta,
                          plan: plan, requestID: options.requestID,
                          correlationID: options.requestID.map { "\($0)-\(item.index)" })
            let stored = try await runner.accept(job, plan: plan)
            accepted.append(AcceptedJob(job: stored.job, reused: !stored.inserted))
        }

        guard let wait = options.wait, wait > .zero else { return .accepted(accepted, waited: false) }
        let finished = try await runner.wait(for: accepted.map(\.job.id), timeout: wait)
        let byID = Dictionary(finished.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return .accepted(accepted.map { AcceptedJob(job: byID[$0.job.id] ?? $0.job, reused: $0.reused) }, waited: true)
    }

    /// The capability `action` needs.
    public static func capability(for action: ProvisioningAction) -> BackendCapabilities? {
        switch action {
        case .createVM: .createVM
        case .createVLAN: .createVLAN
        default: nil
        }
    }

    private func checkCapabilities(_ items: [ProvisioningItem]) throws(ProvisioningError) {
        var missing: [ProvisioningError.MissingCapability] = []
        for item in items {
            guard let backend = inventory.backend(named: item.engine) else {
                throw ProvisioningError.invalid([ValidationIssue(
                    path: item.enginePath, message: "unknown engine '\(item.engine)'",
                    fix: "configured engines: \(inventory.backends.map(\.backend.name).joined(separator: ", "))")])
            }
            let needed = Self.capability(for: item.action)
            if needed.map({ !backend.capabilities.contains($0) }) ?? true {
                missing.append(.init(path: item.enginePath, engine: item.engine, kind: backend.kind,
                                     capability: needed?.names.first ?? item.action.rawValue))
            }
        }
        if !missing.isEmpty { throw ProvisioningError.unsupported(missing) }
    }

    /// Plans every item concurrently; throws when any is invalid or any engine cannot be read.
    private func plan(_ items: [ProvisioningItem]) async throws(ProvisioningError) -> [Int: ProvisioningPlan] {
        let byIndex = Dictionary(items.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        let outcomes = await inventory.callEach(items.map { ($0.index, $0.engine) }, name: "plan") { index, backend in
            // checkCapabilities refused items of kinds that create nothing before this.
            guard let provisioning = backend as? any ProvisioningBackend, let item = byIndex[index] else {
                throw BackendError(.unsupported, engine: backend.name, message: "\(backend.kind) engines create nothing")
            }
            return try await provisioning.plan(item)
        }
        var plans: [Int: ProvisioningPlan] = [:]
        var issues: [ValidationIssue] = []
        var failures: [BackendError] = []
        for (index, outcome) in outcomes {
            switch outcome {
            case .success(.ready(let plan)): plans[index] = plan
            case .success(.invalid(let found)): issues += found
            case .failure(let error): failures.append(error)
            }
        }
        if !issues.isEmpty { throw .invalid(issues.sorted { $0.path < $1.path }) }
        if !failures.isEmpty { throw .enginesUnavailable(failures.sorted { $0.engine < $1.engine }) }
        return plans
    }
}

/// Why a batch was refused. Nothing was created on any engine.
public enum ProvisioningError: Error, Sendable {
    /// An engine cannot do what an item asks of it.
    public struct MissingCapability: Sendable, Hashable {
        /// Where the item named the engine (`[0].proxmox.engine`).
        public var path: String
        public var engine: String
        public var kind: BackendKind
        /// The capability's stable name (`create_vlan`).
        public var capability: String
    }

    /// Items do not fit their engines; every problem, with its path.
    case invalid([ValidationIssue])
    /// Items ask engines for something their kind cannot do.
    case unsupported([MissingCapability])
    /// Engines could not be read to validate the items.
    case enginesUnavailable([BackendError])
}
