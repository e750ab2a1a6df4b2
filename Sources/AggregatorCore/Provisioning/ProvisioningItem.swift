/// What an item of an uploaded request asks for.
public struct ProvisioningAction: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Ensure a VLAN network exists, attached to the cluster and its hosts.
    public static let createVLAN = ProvisioningAction(rawValue: "create_vlan")
    /// Ensure the VLAN, then create, configure and start a VM on it.
    public static let createVM = ProvisioningAction(rawValue: "create_vm")

    public var description: String { rawValue }
}

/// The `meta` section: the ordering document the work traces back to.
public struct RequestMeta: Sendable, Codable, Hashable {
    /// Number of the ordering document (`6666`).
    public var documentNum: String
    /// Information system the resources belong to.
    public var infSystem: String?
    public var owner: String?
    /// `Тест`, `Прод`, ...
    public var environment: String?

    public init(documentNum: String, infSystem: String? = nil, owner: String? = nil, environment: String? = nil) {
        self.documentNum = documentNum
        self.infSystem = infSystem
        self.owner = owner
        self.environment = environment
    }
}

/// The `vlan` section.
public struct VLANSpec: Sendable, Codable, Hashable {
    /// Base name of the network (`2921-redvt-eqp-test-e15`).
    public var name: String
    /// VLAN tag, 1–4094.
    public var id: Int
    /// Appended to `name` to form the network name; often empty.
    public var suffix: String

    public init(name: String, id: Int, suffix: String = "") {
        self.name = name
        self.id = id
        self.suffix = suffix
    }

    /// The network's name on the engine: `name` + `suffix`.
    public var networkName: String { name + suffix }
}

/// One entry of `vm.disks`.
public struct DiskSpec: Sendable, Codable, Hashable {
    /// Size in GiB.
    public var sizeGB: Int
    /// The seed's `type` field, kept as given (its meaning is site-specific).
    public var type: Int?
    /// Where the guest mounts it; `/` is the template's boot disk.
    public var mountPoint: String?
    /// Thin provisioned (`sparse: 1`) or preallocated (`0`).
    public var sparse: Bool

    public init(sizeGB: Int, type: Int? = nil, mountPoint: String? = nil, sparse: Bool) {
        self.sizeGB = sizeGB
        self.type = type
        self.mountPoint = mountPoint
        self.sparse = sparse
    }

    /// True for the disk mounted at `/`: the template's own boot disk, resized, not a new disk.
    public var isBootDisk: Bool { mountPoint == "/" }
}

/// The `vm` section.
public struct VMSpec: Sendable, Codable, Hashable {
    public var name: String
    /// Guest host name for cloud-init.
    public var hostname: String
    public var cores: Int
    /// Memory in GiB.
    public var memoryGB: Int
    public var disks: [DiskSpec]
    /// Template name on the engine.
    public var template: String
    /// Free-text OS name (`RedOS 8`).
    public var os: String?
    /// Guest NIC name cloud-init configures (`enp1s0`).
    public var nicName: String
    public var address: String
    public var netmask: String
    public var gateway: String
    public var dnsServers: [String]

    public init(name: String, hostname: String, cores: Int, memoryGB: Int, disks: [DiskSpec], template: String,
                os: String? = nil, nicName: String, address: String, netmask: String, gateway: String,
                dnsServers: [String]) {
        self.name = name
        self.hostname = hostname
        self.cores = cores
        self.memoryGB = memoryGB
        self.disks = disks
        self.template = template
        self.os = os
        self.nicName = nicName
        self.address = address
        self.netmask = netmask
        self.gateway = gateway
        self.dnsServers = dnsServers
    }
}

/// One validated item of an uploaded request file.
///
/// The common sections (`meta`, `vlan`, `vm`) are decoded by Core; the engine-specific section
/// (the seed's `ovirt`) is passed to the backend as ``section`` for it to decode and validate.
public struct ProvisioningItem: Sendable, Hashable {
    /// Position of the item in the uploaded array.
    public var index: Int
    public var action: ProvisioningAction
    public var meta: RequestMeta
    /// The engine named in the kind section (`ovirt.engine`).
    public var engine: String
    /// The kind-specific section, raw (`{"engine": ..., "cluster": ..., ...}`).
    public var section: JSONValue
    /// Name of the kind-specific section (`ovirt`), for error paths.
    public var sectionName: String
    public var vlan: VLANSpec
    public var vm: VMSpec?

    public init(index: Int, action: ProvisioningAction, meta: RequestMeta, engine: String, section: JSONValue,
                sectionName: String, vlan: VLANSpec, vm: VMSpec?) {
        self.index = index
        self.action = action
        self.meta = meta
        self.engine = engine
        self.section = section
        self.sectionName = sectionName
        self.vlan = vlan
        self.vm = vm
    }

    /// The path prefix of this item in error messages: `[0]`.
    public var path: String { "[\(index)]" }
}
