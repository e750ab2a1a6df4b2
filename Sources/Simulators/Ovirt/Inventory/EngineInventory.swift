/// The simulated engine's objects. Plain values: the state box owns one copy
/// and requests read snapshots of it.
///
/// Write operations mutate these collections through ``EngineState`` under
/// its lock; ids are stable strings so hrefs never change.
struct EngineInventory: Sendable {
    var engineName: String
    /// Where the engine's addresses and MACs come from.
    var addresses: AddressPlan
    var dataCenters: [SimDataCenter] = []
    var clusters: [SimCluster] = []
    var hosts: [SimHost] = []
    var storageDomains: [SimStorageDomain] = []
    var networks: [SimNetwork] = []
    var vnicProfiles: [SimVnicProfile] = []
    var templates: [SimTemplate] = []
    var disks: [SimDisk] = []
    var vms: [SimVM] = []
    /// Engine jobs, oldest first (`GET /jobs`).
    var jobs: [SimJob] = []
    /// The audit log (`GET /events` lists newest first), with injected stream faults.
    var eventLog = EventLog()
    /// How many MAC addresses the pool has handed out to new NICs.
    var macCounter = 0
    /// Guest agents that have not reported yet, oldest first (see
    /// ``SimulatedEngineOptions/guestIPDelay``).
    var pendingGuestReports: [PendingGuestReport] = []
    /// VMs whose exclusive lock another operation holds (set through the
    /// admin interface): commands that take the VM's lock (run, hibernate,
    /// remove) are refused with `ACTION_TYPE_FAILED_OBJECT_LOCKED`.
    var heldVMIDs: Set<String> = []

    /// The `templates/blank` special object.
    static let blankTemplateID = "00000000-0000-0000-0000-000000000000"
    /// The id the engine gives the root tag (`tags/root`).
    static let rootTagID = "00000000-0000-0000-0000-000000000000"

    func dataCenter(_ id: String?) -> SimDataCenter? { id.flatMap { id in dataCenters.first { $0.id == id } } }
    func cluster(_ id: String?) -> SimCluster? { id.flatMap { id in clusters.first { $0.id == id } } }
    func host(_ id: String?) -> SimHost? { id.flatMap { id in hosts.first { $0.id == id } } }
    func network(_ id: String?) -> SimNetwork? { id.flatMap { id in networks.first { $0.id == id } } }
    func template(_ id: String?) -> SimTemplate? { id.flatMap { id in templates.first { $0.id == id } } }
    func storageDomain(_ id: String?) -> SimStorageDomain? {
        id.flatMap { id in storageDomains.first { $0.id == id } }
    }
    func disk(_ id: String?) -> SimDisk? { id.flatMap { id in disks.first { $0.id == id } } }
    func vm(_ id: String?) -> SimVM? { id.flatMap { id in vms.first { $0.id == id } } }
    func vnicProfile(_ id: String?) -> SimVnicProfile? { id.flatMap { id in vnicProfiles.first { $0.id == id } } }

    /// The stored audit log entries, in the order they were stored.
    var events: [SimEvent] { eventLog.stored }
}

struct SimDataCenter: Sendable {
    var id: String
    var name: String
    var description: String
    var versionMajor: Int
    var versionMinor: Int
}

struct SimCluster: Sendable {
    var id: String
    var name: String
    var description: String
    var dataCenterID: String
    var cpuType: String
    var versionMajor: Int
    var versionMinor: Int
    var networkIDs: [String]
    /// Attached networks whose `required` flag is set.
    var requiredNetworkIDs: Set<String> = []
}

struct SimHost: Sendable {
    var id: String
    var name: String
    var address: String
    var clusterID: String
    var status: String
    var cpuModel: String
    var cpuSpeedMHz: Int
    var sockets: Int
    var coresPerSocket: Int
    var threadsPerCore: Int
    var memory: Int64
    var serialNumber: String
    var hardwareUUID: String
    var spm: Bool
    var nics: [SimHostNic]
    /// The networks configured on the host's NICs (`/hosts/{id}/networkattachments`).
    var networkAttachments: [SimNetworkAttachment] = []
    /// Whether the running network configuration has been persisted (committed).
    var netConfigCommitted = true
}

/// A network configured on a host NIC.
struct SimNetworkAttachment: Sendable {
    var id: String
    var networkID: String
    var nicID: String
    var bootProtocol: String = "none"
    var address: String?
    var netmask: String?
    var gateway: String?
}

struct SimHostNic: Sendable {
    var id: String
    var name: String
    var mac: String
    var speed: Int64
    var mtu: Int
    /// Ids of the slaves when this NIC is a bond.
    var bondSlaveIDs: [String] = []
    var bondOptions: [(name: String, value: String)] = []
    var ipAddress: String?
    var netmask: String?
    var gateway: String?
    var networkID: String?
    /// Set on the VLAN devices the engine shows for VLAN networks (`bond0.2921`).
    var vlanID: Int? = nil
    var baseInterface: String? = nil
}

struct SimStorageDomain: Sendable {
    var id: String
    var name: String
    var description: String
    var storageType: String
    var dataCenterID: String
    var available: Int64
    var used: Int64
    var committed: Int64
    var nfsAddress: String?
    var nfsPath: String?
}

struct SimNetwork: Sendable {
    var id: String
    var name: String
    var description: String
    var dataCenterID: String
    var vlanID: Int?
    var mtu: Int
    var usages: [String]
    var vnicProfileIDs: [String]
    var comment: String = ""
    var profileRequired = true
}

struct SimVnicProfile: Sendable {
    var id: String
    var name: String
    var networkID: String
}

struct SimTemplate: Sendable {
    var id: String
    var name: String
    var description: String
    var clusterID: String?
    var memory: Int64
    var cores: Int
    var osType: String
    var creationTime: Int64
    var diskIDs: [String]
}

struct SimDisk: Sendable {
    var id: String
    var name: String
    var description: String
    var provisionedSize: Int64
    var actualSize: Int64
    var format: String
    var sparse: Bool
    var storageDomainID: String
    var imageID: String
    /// `ok`, or `locked` while being created or extended.
    var status: String = "ok"
    var bootable = false
}

/// A disk as attached to a VM; the engine uses the disk's id as the attachment id.
struct SimDiskAttachment: Sendable, Equatable {
    var diskID: String
    var bootable: Bool
    var interface: String
    var active = true
}

struct SimVMNic: Sendable, Equatable {
    var id: String
    var name: String
    var mac: String
    var vnicProfileID: String
    var interface: String = "virtio"
}

struct SimReportedDevice: Sendable, Equatable {
    var id: String
    var name: String
    var mac: String
    var ipv4: String
    var ipv6: String
}

struct SimVM: Sendable, Equatable {
    var id: String
    var name: String
    var description: String
    var comment: String
    var clusterID: String
    var hostID: String?
    var templateID: String
    var status: String
    var memory: Int64
    var sockets: Int
    var cores: Int
    var threads: Int
    var osType: String
    var fqdn: String?
    var creationTime: Int64
    var startTime: Int64?
    var stopTime: Int64?
    var highlyAvailable: Bool
    var guestDistribution: String
    var guestKernel: String
    var nics: [SimVMNic]
    var diskAttachments: [SimDiskAttachment]
    var reportedDevices: [SimReportedDevice]
    /// The persisted cloud-init configuration (`<initialization>`).
    var initialization: SimInitialization?
    /// The configuration of the current run, when started with one (run once).
    var runOnceInitialization: SimInitialization?
    var runOnce = false
    var memoryGuaranteed: Int64?
    /// The IPv4 address the guest agent reports on the first NIC when no
    /// cloud-init configuration names one (set through the admin interface).
    var guestIPv4: String? = nil
    /// `delete_protected`: the engine refuses to remove the VM while it is set.
    var deleteProtected = false

    var isUp: Bool { status == "up" || status == "powering_up" || status == "migrating" }
}

/// Cloud-init data as the engine persists it (`VmInit`).
struct SimInitialization: Sendable, Equatable {
    var hostName: String?
    var userName: String?
    var authorizedSSHKeys: String?
    var dnsServers: String?
    var dnsSearch: String?
    var customScript: String?
    var timezone: String?
    var nicConfigurations: [SimNicConfiguration] = []
}

struct SimNicConfiguration: Sendable, Equatable {
    var name: String
    var bootProtocol: String?
    var onBoot: Bool?
    var address: String?
    var netmask: String?
    var gateway: String?
}

/// An engine job (`GET /jobs`): one per command run through the API.
struct SimJob: Sendable {
    var id: String
    var description: String
    /// `started`, `finished` or `failed`.
    var status: String
    var correlationID: String
    var startTime: Int64
    var endTime: Int64?
    var lastUpdated: Int64
}

/// A VM that went up and whose guest agent reports its addresses at `due`,
/// if the VM is still in the same run then.
struct PendingGuestReport: Sendable {
    var vmID: String
    /// The ``SimVM/startTime`` of the run the report belongs to.
    var startTime: Int64?
    var due: Int64
}

/// An audit log entry (`GET /events`).
struct SimEvent: Sendable {
    var index: Int
    var code: Int
    var severity: String
    var description: String
    var time: Int64
    var correlationID: String
    var vmID: String? = nil
    var hostID: String? = nil
    var clusterID: String? = nil
    var dataCenterID: String? = nil
    /// Written by the engine's VM monitoring rather than by a command: no
    /// correlation id and no user, as on the engine (`VmAnalyzer` logs with
    /// an `AuditLogableBase` of the host and VM only).
    var fromMonitoring = false
}
