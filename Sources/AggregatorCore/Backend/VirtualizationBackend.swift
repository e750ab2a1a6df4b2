/// One configured virtualization engine, seen through the common model.
///
/// A conformer translates between its engine's API and ``VM``, ``Host`` and ``Cluster``.
/// It is created by the factory registered for its ``BackendKind`` in a ``BackendRegistry``
/// and must be safe to call from many tasks at once.
///
/// Errors thrown from these methods should be ``BackendError`` values so the fan-out can
/// report them by engine with a clear reason; anything else is wrapped as `.invalidResponse`.
public protocol VirtualizationBackend: Sendable {
    /// The engine's name from the configuration (`e15-test`).
    var name: String { get }
    /// The kind of engine (`ovirt`).
    var kind: BackendKind { get }
    /// What this backend can do.
    var capabilities: BackendCapabilities { get }

    /// Lists every VM of the engine.
    func listVMs() async throws -> [VM]
    /// Lists every host of the engine.
    func listHosts() async throws -> [Host]
    /// Lists every cluster of the engine.
    func listClusters() async throws -> [Cluster]
    /// Logs in and reports the engine's product and version.
    func probe() async throws -> EngineProbe
    /// Releases connections and sessions (logs out where the engine supports it).
    func shutdown() async

    /// Reads VMs, hosts and clusters together (sharing what the three listings have in common).
    /// The default lists the three concurrently.
    func readInventory() async throws -> EngineReadout

    /// The current end of the engine's change stream, taken before a full read so nothing that
    /// happens during the read is missed. Nil when the kind has no change stream (``BackendCapabilities/changeFeed``
    /// absent): the live model then relies on full reads alone.
    func changeCursor() async throws -> ChangeCursor?
    /// What changed since `cursor`.
    func changes(since cursor: ChangeCursor) async throws -> ChangeFeedResult
    /// One VM, read now; nil when the engine has no VM with that id.
    func vm(id: String) async throws -> VM?
    /// One host, read now; nil when the engine has no host with that id.
    func host(id: String) async throws -> Host?
    /// One cluster, read now; nil when the engine has no cluster with that id.
    func cluster(id: String) async throws -> Cluster?

    /// Validates one item against the live engine (the kind-specific section, references such
    /// as cluster, storage domain, template and host NIC, names already in use) and returns the
    /// plan of engine calls, or every problem found, with paths like `[0].ovirt.cluster`.
    /// Creates nothing.
    func plan(_ item: ProvisioningItem) async throws -> PlanOutcome

    /// Executes a plan made by ``plan(_:)``: the steps of its typed ``ProvisioningPlan/payload``,
    /// in order, reporting each to `context.recorder` and tagging every engine call with
    /// `context.correlationID` where the engine takes one. The plan is all it reads of the request.
    /// Idempotent: objects that already exist as requested are reused, not duplicated; only what
    /// idempotency needs is re-checked on the engine.
    /// - Throws: ``BackendError`` with the engine's fault text when a step fails (after recording it).
    func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult
}

extension VirtualizationBackend {
    public func readInventory() async throws -> EngineReadout {
        async let vms = listVMs()
        async let hosts = listHosts()
        async let clusters = listClusters()
        return try await EngineReadout(vms: vms, hosts: hosts, clusters: clusters)
    }

    /// Kinds without a change stream have no cursor.
    public func changeCursor() async throws -> ChangeCursor? { nil }

    public func changes(since cursor: ChangeCursor) async throws -> ChangeFeedResult {
        throw BackendError(.unsupported, engine: name, message: "\(kind) engines have no change stream")
    }

    public func vm(id: String) async throws -> VM? {
        throw BackendError(.unsupported, engine: name, message: "\(kind) engines cannot read one VM")
    }

    public func host(id: String) async throws -> Host? {
        throw BackendError(.unsupported, engine: name, message: "\(kind) engines cannot read one host")
    }

    public func cluster(id: String) async throws -> Cluster? {
        throw BackendError(.unsupported, engine: name, message: "\(kind) engines cannot read one cluster")
    }

    /// Kinds without provisioning support refuse it. Core checks ``capabilities`` first and
    /// answers the client before this is reached.
    public func plan(_ item: ProvisioningItem) async throws -> PlanOutcome {
        throw BackendError(.unsupported, engine: name, message: "\(kind) engines cannot \(item.action)")
    }

    /// Kinds without provisioning support refuse it.
    public func execute(_ plan: ProvisioningPlan, context: JobContext) async throws -> ProvisioningResult {
        throw BackendError(.unsupported, engine: name, message: "\(kind) engines cannot run provisioning plans")
    }
}
