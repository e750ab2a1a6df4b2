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

/// One validated item of a create request, in the common model.
///
/// Both request shapes become items: the seed's files (`meta`, `ovirt`, `vlan`, `vm` sections,
/// decoded by ``ProvisioningRequestDecoder``) and the backend-neutral `POST /api/v1/vms` body
/// (decoded by ``VMRequestDecoder``). The common parts are decoded by Core; the kind-specific
/// section (the seed's `ovirt`, the API's `placement`) is passed to the backend as ``section``
/// for it to decode and validate against its engine.
public struct ProvisioningItem: Sendable, Hashable {
    /// Position of the item in the uploaded array.
    public var index: Int
    public var action: ProvisioningAction
    public var meta: RequestMeta
    /// The engine named in the kind section (`ovirt.engine`).
    public var engine: String
    /// The kind-specific section, raw (`{"engine": ..., "cluster": ..., ...}`). It may hold
    /// `engine` (the seed's files put it there); backends ignore that member.
    public var section: JSONValue
    /// Name of the kind-specific section (`ovirt`, `proxmox`, `placement`), for error paths.
    public var sectionName: String
    public var vlan: VLANSpec
    public var vm: VMSpec?

    /// Where the item is in the request, prefixing every error path: `[0]` in an array, empty
    /// for a single object.
    public var path: String
    /// The path of the field that named the engine (`[0].ovirt.engine`, `engine`).
    public var enginePath: String
    /// Where each common field was in the request, for a backend's validation issues.
    public var paths: FieldPaths

    public init(index: Int, action: ProvisioningAction, meta: RequestMeta, engine: String, section: JSONValue,
                sectionName: String, vlan: VLANSpec, vm: VMSpec?, path: String? = nil, enginePath: String? = nil) {
        let path = path ?? "[\(index)]"
        self.path = path
        self.enginePath = enginePath ?? Self.join(path, sectionName, "engine")
        self.paths = FieldPaths.seed(path)
        self.index = index
        self.action = action
        self.meta = meta
        self.engine = engine
        self.section = section
        self.sectionName = sectionName
        self.vlan = vlan
        self.vm = vm
    }

    /// The error path of `field` in the kind-specific section: `[0].ovirt.cluster`, `placement.node`.
    public func sectionPath(_ field: String) -> String {
        Self.join(path, sectionName, field)
    }

    /// The error path of a field of the item: `[0].vm.disks`, `name`.
    public func fieldPath(_ components: String...) -> String {
        Self.join(([path] + components))
    }

    static func join(_ components: String...) -> String { join(components) }

    static func join(_ components: [String]) -> String {
        var result = ""
        for component in components where !component.isEmpty {
            if result.isEmpty || component.hasPrefix("[") {
                result += component
            } else {
                result += "." + component
            }
        }
        return result
    }
}

/// The paths of an item's common fields in the request it came from, so a backend's issue points
/// at the field the client wrote: `[0].vm.name` in a seed file, `name` in `POST /api/v1/vms`.
public struct FieldPaths: Sendable, Hashable {
    public var vmName: String
    public var template: String
    public var cores: String
    public var memory: String
    public var disks: String
    /// The name of a disk's size field (`size`, `size_gb`).
    public var diskSizeKey: String
    public var vlanName: String
    public var vlanID: String
    public var address: String

    public init(vmName: String, template: String, cores: String, memory: String, disks: String,
                diskSizeKey: String, vlanName: String, vlanID: String, address: String) {
        self.diskSizeKey = diskSizeKey
        self.vmName = vmName
        self.template = template
        self.cores = cores
        self.memory = memory
        self.disks = disks
        self.vlanName = vlanName
        self.vlanID = vlanID
        self.address = address
    }

    /// The path of disk `index`: `[0].vm.disks[1]`.
    public func disk(_ index: Int) -> String { "\(disks)[\(index)]" }

    /// The path of disk `index`'s size: `[0].vm.disks[1].size`.
    public func diskSize(_ index: Int) -> String { "\(disk(index)).\(diskSizeKey)" }

    /// The seed's shape: `[0].vm.*` and `[0].vlan.*`.
    public static func seed(_ item: String) -> FieldPaths {
        FieldPaths(vmName: "\(item).vm.name", template: "\(item).vm.template", cores: "\(item).vm.cores",
                   memory: "\(item).vm.memory", disks: "\(item).vm.disks", diskSizeKey: "size", vlanName: "\(item).vlan.name",
                   vlanID: "\(item).vlan.id", address: "\(item).vm.address")
    }

    /// `POST /api/v1/vms`: the VM's fields at the top, the VLAN under `network`, the address under `ip`.
    public static func api(_ item: String) -> FieldPaths {
        let join = { (field: String) in ProvisioningItem.join(item, field) }
        return FieldPaths(vmName: join("name"), template: join("template"), cores: join("cores"),
                          memory: join("memory_gb"), disks: join("disks"), diskSizeKey: "size_gb", vlanName: join("network.name"),
                          vlanID: join("network.vlan_id"), address: join("ip.address"))
    }
}
