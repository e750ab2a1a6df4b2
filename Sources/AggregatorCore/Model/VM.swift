import Foundation

/// A virtual machine as an operator sees it in a list, whichever engine it runs on.
public struct VM: Sendable, Hashable {
    /// Name of the configured engine (backend) the VM was listed from.
    public var engine: String
    /// The engine's id of the VM.
    public var id: String
    public var name: String
    /// Status in the common set, lowercase (`up`, `down`, `paused`, `suspended`, `image_locked`,
    /// `migrating`, `unknown`, ...): oVirt's own values, which other kinds map onto.
    public var status: String
    /// The engine's own status when it differs from ``status`` (Proxmox's `running`), else nil.
    public var rawStatus: String?
    /// Cluster name (or the id when the name could not be resolved).
    public var cluster: String?
    /// Data center name, where known.
    public var dataCenter: String?
    /// Name of the host the VM runs on, when running.
    public var host: String?
    /// Total virtual CPUs (sockets × cores × threads).
    public var cpus: Int?
    /// Cores per socket as configured.
    public var cores: Int?
    /// Configured memory in bytes.
    public var memoryBytes: Int64?
    /// IP addresses reported by the guest agent.
    public var ipAddresses: [String]
    /// Fully qualified domain name reported by the guest.
    public var fqdn: String?
    public var description: String?
    public var comment: String?
    /// Name of the template the VM was created from.
    public var template: String?
    /// Guest operating system type as configured (`rhel_8x64`, ...).
    public var osType: String?
    public var creationTime: Date?

    public init(
        engine: String, id: String, name: String, status: String,
        cluster: String? = nil, dataCenter: String? = nil, host: String? = nil,
        cpus: Int? = nil, cores: Int? = nil, memoryBytes: Int64? = nil,
        ipAddresses: [String] = [], fqdn: String? = nil,
        description: String? = nil, comment: String? = nil,
        template: String? = nil, osType: String? = nil, creationTime: Date? = nil, rawStatus: String? = nil
    ) {
        self.rawStatus = rawStatus
        self.engine = engine
        self.id = id
        self.name = name
        self.status = status
        self.cluster = cluster
        self.dataCenter = dataCenter
        self.host = host
        self.cpus = cpus
        self.cores = cores
        self.memoryBytes = memoryBytes
        self.ipAddresses = ipAddresses
        self.fqdn = fqdn
        self.description = description
        self.comment = comment
        self.template = template
        self.osType = osType
        self.creationTime = creationTime
    }
}
