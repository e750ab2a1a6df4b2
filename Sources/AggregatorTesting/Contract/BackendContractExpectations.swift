/// What a correct backend must report for one simulated engine.
public struct BackendContractExpectations: Sendable, Hashable {
    /// The engine name every item must be tagged with.
    public var engine: String
    public var vmCount: Int
    public var hostCount: Int
    /// The names of the engine's clusters.
    public var clusterNames: Set<String>
    /// A VM that must be in the listing, when the engine has one.
    public var someVMName: String?
    /// The correct password, which must never appear in an error or a log line.
    public var password: String?

    public init(engine: String, vmCount: Int, hostCount: Int, clusterNames: Set<String>,
                someVMName: String? = nil, password: String? = nil) {
        self.engine = engine
        self.vmCount = vmCount
        self.hostCount = hostCount
        self.clusterNames = clusterNames
        self.someVMName = someVMName
        self.password = password
    }
}
