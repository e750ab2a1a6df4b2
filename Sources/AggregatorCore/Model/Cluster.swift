/// A cluster of hosts.
public struct Cluster: Sendable, Hashable {
    /// Name of the configured engine (backend) the cluster was listed from.
    public var engine: String
    public var id: String
    public var name: String
    public var dataCenter: String?
    /// CPU type the cluster requires (`Intel Cascadelake Server Family`, ...).
    public var cpuType: String?
    /// Cluster compatibility version, `4.7`.
    public var version: String?
    public var hostCount: Int?
    public var vmCount: Int?
    public var description: String?
    public var comment: String?

    public init(
        engine: String, id: String, name: String, dataCenter: String? = nil,
        cpuType: String? = nil, version: String? = nil, hostCount: Int? = nil,
        vmCount: Int? = nil, description: String? = nil, comment: String? = nil
    ) {
        self.engine = engine
        self.id = id
        self.name = name
        self.dataCenter = dataCenter
        self.cpuType = cpuType
        self.version = version
        self.hostCount = hostCount
        self.vmCount = vmCount
        self.description = description
        self.comment = comment
    }
}
