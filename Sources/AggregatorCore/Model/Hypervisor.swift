/// A hypervisor host.
public struct Hypervisor: Sendable, Hashable {
    /// Name of the configured engine (backend) the host was listed from.
    public var engine: String
    public var id: String
    public var name: String
    /// The address the engine manages the host by (FQDN or IP).
    public var address: String?
    /// Status in the common set, lowercase (`up`, `maintenance`, `non_responsive`, ...): oVirt's
    /// own values, which other kinds map onto.
    public var status: String
    /// The engine's own status when it differs from ``status`` (Proxmox's `online`), else nil.
    public var rawStatus: String?
    public var cluster: String?
    public var dataCenter: String?
    /// CPU model name as reported by the host.
    public var cpuModel: String?
    /// Physical CPU cores (sockets × cores).
    public var cpuCores: Int?
    /// Logical CPUs (sockets × cores × threads).
    public var cpuThreads: Int?
    /// Physical memory in bytes.
    public var memoryBytes: Int64?
    /// Number of VMs running on the host.
    public var vmCount: Int?
    public var osVersion: String?
    public var comment: String?

    public init(
        engine: String, id: String, name: String, address: String? = nil, status: String,
        cluster: String? = nil, dataCenter: String? = nil, cpuModel: String? = nil,
        cpuCores: Int? = nil, cpuThreads: Int? = nil, memoryBytes: Int64? = nil,
        vmCount: Int? = nil, osVersion: String? = nil, comment: String? = nil, rawStatus: String? = nil
    ) {
        self.rawStatus = rawStatus
        self.engine = engine
        self.id = id
        self.name = name
        self.address = address
        self.status = status
        self.cluster = cluster
        self.dataCenter = dataCenter
        self.cpuModel = cpuModel
        self.cpuCores = cpuCores
        self.cpuThreads = cpuThreads
        self.memoryBytes = memoryBytes
        self.vmCount = vmCount
        self.osVersion = osVersion
        self.comment = comment
    }
}
