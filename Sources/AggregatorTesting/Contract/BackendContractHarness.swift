import AggregatorCore

/// What a simulated engine for the contract checks should look like.
public struct ContractEngineSpec: Sendable, Hashable {
    /// The engine's name (and so the backend's name).
    public var name: String
    public var vmCount: Int
    public var hostCount: Int
    /// Extra delay the engine adds to every answer; a slow engine for timeout checks.
    public var latency: Duration

    public init(name: String, vmCount: Int = 20, hostCount: Int = 3, latency: Duration = .zero) {
        self.name = name
        self.vmCount = vmCount
        self.hostCount = hostCount
        self.latency = latency
    }
}

/// A running simulated engine, as the contract checks see it.
public protocol ContractEngine: Sendable {
    /// What listing this engine must give.
    var expectations: BackendContractExpectations { get }
    /// A configuration entry for this engine; with `password` nil, the correct credentials.
    func configuration(password: String?) -> BackendConfiguration
    /// Turns a VM of this engine on when it is down, off when it runs, as an operator would in
    /// the engine's portal (the change-feed check follows it).
    func flipPowerState(of vm: VM) async throws
    /// Turns on the engine's own delete protection of a VM (oVirt `delete_protected`, Proxmox VE
    /// `protection`), as an operator would in the engine's portal (the delete check needs it).
    func protectFromDeletion(_ vm: VM) async throws
    /// A `create_vm` item for this engine that its kind can plan and run (a template, storage
    /// and network the simulated engine has), naming the VM `name`.
    func vmItem(named name: String) throws -> ProvisioningItem
    /// A `create_vlan` item for this engine, or nil for a kind that creates no VLANs.
    func vlanItem() throws -> ProvisioningItem?
    /// Stops the engine; it refuses connections afterwards.
    func stop() async
}

/// What a backend kind supplies to run the shared contract checks: a way to start its
/// simulator and a way to build its backend. Everything else is shared.
///
/// ```swift
/// struct ProxmoxHarness: BackendContractHarness {
///     let kind: BackendKind = "proxmox"
///     func startEngine(_ spec: ContractEngineSpec) async throws -> any ContractEngine { ... }
///     func makeBackend(_ configuration: BackendConfiguration) throws -> any VirtualizationBackend { ... }
///     func makeInventory(_ backends: [RegisteredBackend]) -> EngineSet { EngineSet(backends: backends, logger: logger) }
/// }
/// let violations = await BackendContract.run(BackendContract.checks, harness: ProxmoxHarness())
/// ```
public protocol BackendContractHarness: Sendable {
    /// The kind under test.
    var kind: BackendKind { get }
    /// Starts a simulated engine on a free port.
    func startEngine(_ spec: ContractEngineSpec) async throws -> any ContractEngine
    /// Builds the kind's backend for `configuration` (through its registry factory, ideally).
    func makeBackend(_ configuration: BackendConfiguration) throws -> any VirtualizationBackend
    /// An ``EngineSet`` over `backends` with the harness's logger, for the checks that read through
    /// the live model as the server does.
    func makeInventory(_ backends: [RegisteredBackend]) -> EngineSet
    /// Everything the backends built by this harness have logged so far, one entry per line,
    /// message and metadata included; used to check that secrets never reach a log.
    func recordedLog() -> [String]
}

extension BackendContractHarness {
    public func recordedLog() -> [String] { [] }
}
