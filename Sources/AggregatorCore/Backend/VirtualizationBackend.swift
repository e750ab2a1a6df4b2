/// One configured virtualization engine, seen through the common model.
///
/// A conformer translates between its engine's API and ``VM``, ``Hypervisor`` and ``Cluster``.
/// It is created by the factory registered for its ``BackendKind`` in a ``BackendRegistry``
/// and must be safe to call from many tasks at once.
///
/// What every kind does is required here; what only some kinds do is a protocol of its own that
/// a kind conforms to (``ChangeFeedBackend``, ``VMCreatingBackend``, ``VLANCreatingBackend``,
/// ``ConsistencyProbing``), and ``capabilities`` follows from those conformances, so a kind can
/// never claim a capability it does not implement.
///
/// Errors thrown from these methods should be ``BackendError`` values so the fan-out can
/// report them by engine with a clear reason; anything else is wrapped as `.invalidResponse`.
public protocol VirtualizationBackend: Sendable {
    /// The engine's name from the configuration (`e15-test`).
    var name: String { get }
    /// The kind of engine (`ovirt`).
    var kind: BackendKind { get }

    /// Lists every VM of the engine.
    func listVMs() async throws -> [VM]
    /// Lists every host of the engine.
    func listHosts() async throws -> [Hypervisor]
    /// Lists every cluster of the engine.
    func listClusters() async throws -> [Cluster]
    /// Logs in and reports the engine's product and version.
    func probe() async throws -> EngineProbe
    /// Releases connections and sessions (logs out where the engine supports it).
    func shutdown() async

    /// Reads VMs, hosts and clusters together (sharing what the three listings have in common).
    /// The default lists the three concurrently.
    func readInventory() async throws -> EngineReadout

    /// One VM, read now; nil when the engine has no VM with that id.
    func vm(id: String) async throws -> VM?
    /// One host, read now; nil when the engine has no host with that id.
    func host(id: String) async throws -> Hypervisor?
    /// One cluster, read now; nil when the engine has no cluster with that id.
    func cluster(id: String) async throws -> Cluster?
}

extension VirtualizationBackend {
    public func readInventory() async throws -> EngineReadout {
        async let vms = listVMs()
        async let hosts = listHosts()
        async let clusters = listClusters()
        return try await EngineReadout(vms: vms, hosts: hosts, clusters: clusters)
    }

    /// What this backend can do, from the capability protocols its kind conforms to.
    public var capabilities: BackendCapabilities {
        var capabilities = BackendCapabilities.inventory
        if self is any ChangeFeedBackend { capabilities.insert(.changeFeed) }
        if self is any VLANCreatingBackend { capabilities.insert(.createVLAN) }
        if self is any VMCreatingBackend { capabilities.insert(.createVM) }
        if self is any VMPowerBackend { capabilities.insert(.powerVMs) }
        if self is any VMDeletingBackend { capabilities.insert(.deleteVMs) }
        return capabilities
    }
}
