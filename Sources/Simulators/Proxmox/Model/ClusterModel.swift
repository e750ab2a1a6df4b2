/// A cluster node.
struct PVENode: Sendable {
    /// The node's name and its id in the corosync configuration: fixed for the node's life.
    let name: String
    let nodeID: Int
    var ip: String
    var online: Bool
    var capacity: PVENodeCapacity
    /// Epoch seconds of its boot.
    var bootTime: Double
    /// The next worker pid on this node.
    var nextPID: Int
}

/// What a node has: CPUs, memory and its root disk (`/cluster/resources` `maxcpu`, `maxmem`,
/// `maxdisk`).
struct PVENodeCapacity: Sendable {
    var cpus: Int
    /// Bytes.
    var memory: Int
    /// Bytes.
    var rootDisk: Int
}

extension PVENode {
    var maxCPU: Int { capacity.cpus }
    var maxMemory: Int { capacity.memory }
    var rootDisk: Int { capacity.rootDisk }
}

/// A storage as configured in `storage.cfg` (the same for every node).
struct PVEStorage: Sendable {
    var id: String
    /// `dir`, `lvmthin` or `rbd`.
    var type: String
    var content: [String]
    var shared: Bool
    /// Capacity in bytes (per node for local storages).
    var capacity: Int
    /// Bytes used by things other than VM images (ISOs, backups).
    var baseUsed: Int

    var holdsImages: Bool { content.contains("images") }
}

/// Where a volume lives: a shared storage, or a local storage of one node.
struct VolumeLocation: Hashable, Sendable {
    var storage: String
    /// nil for a shared storage.
    var node: String?
}

/// A bridge of a node's network configuration.
struct PVEBridge: Sendable {
    var iface: String
    var ports: String
    var vlanAware: Bool
    /// Whether the node's own address (`10.0.0.1N/24`) is on this bridge.
    var carriesNodeAddress: Bool
    var gateway: String?
}

/// A VM's run state as QEMU reports it.
enum PVERunState: String, Sendable {
    case stopped, running, paused
}

/// One guest network interface as the guest agent reports it.
struct GuestInterface: Sendable, Equatable {
    var name: String
    var mac: String
    /// `(address, prefix)` pairs, IPv4 first.
    var addresses: [(String, Int)]

    static func == (lhs: GuestInterface, rhs: GuestInterface) -> Bool {
        lhs.name == rhs.name && lhs.mac == rhs.mac
            && lhs.addresses.map(\.0) == rhs.addresses.map(\.0) && lhs.addresses.map(\.1) == rhs.addresses.map(\.1)
    }
}

/// A VM (or template).
struct PVEVM: Sendable {
    var vmid: Int
    var node: String
    var config: VMConfig
    var runState: PVERunState = .stopped
    /// Epoch seconds the QEMU process started.
    var startedAt: Double?
    var pid: Int?
    /// When the guest agent starts answering; nil while stopped.
    var agentReadyAt: Double?
    /// Set by the admin interface: the agent never answers.
    var agentHung = false
    /// The resource pool the VM is a member of (`user.cfg`, not its configuration).
    var pool: String?
    /// What the guest configured at its last boot (cloud-init applies
    /// `ipconfigN` at boot, so later changes wait for a restart).
    var guestInterfaces: [GuestInterface] = []

    var name: String { config.name ?? "VM \(vmid)" }
}

/// The whole simulated cluster: what `pmxcfs` and every node's daemons know.
struct ClusterModel: Sendable {
    var clusterName: String
    var configVersion = 3
    var nodes: [PVENode]
    var storages: [PVEStorage]
    var bridges: [PVEBridge]
    var volumes: [VolumeLocation: [String: Int]] = [:]
    var vms: [Int: PVEVM] = [:]
    var tasks: [String: PVETask] = [:]
    /// UPIDs in start order, for listings.
    var taskOrder: [String] = []
    /// UPIDs of the tasks still running (so ending due tasks does not scan every task).
    var runningTasks: [String] = []
    var pools: Set<String>
    /// Exit statuses the next tasks of a type end with (`qmclone` → messages).
    var pendingTaskFailures: [String: [String]] = [:]
    /// The next MAC address suffix handed out (`BC:24:11:xx:xx:xx`).
    var macCounter: UInt32
    /// Seconds from a VM's start until its guest agent answers.
    var agentDelay: Double
    /// Orders tasks that end at the same time.
    var taskSequence = 0

    func node(_ name: String) -> PVENode? { nodes.first { $0.name == name } }

    func storage(_ id: String) -> PVEStorage? { storages.first { $0.id == id } }

    var onlineNodeCount: Int { nodes.filter(\.online).count }

    /// Quorum: more than half of the nodes online.
    var quorate: Bool { onlineNodeCount * 2 > nodes.count }

    func location(storage: PVEStorage, node: String) -> VolumeLocation {
        VolumeLocation(storage: storage.id, node: storage.shared ? nil : node)
    }

    /// Bytes used on `storage` as seen from `node`.
    func used(storage: PVEStorage, node: String) -> Int {
        storage.baseUsed + (volumes[location(storage: storage, node: node)] ?? [:]).values.reduce(0, +)
    }

    /// Whether `STORAGE:VOLNAME` exists as seen from `node`.
    func volumeExists(_ volid: String, node: String) -> Bool {
        volumeSize(volid, node: node) != nil
    }

    func volumeSize(_ volid: String, node: String) -> Int? {
        guard let colon = volid.firstIndex(of: ":"), let storage = storage(String(volid[..<colon])) else { return nil }
        let name = String(volid[volid.index(after: colon)...])
        return volumes[location(storage: storage, node: node)]?[name]
    }

    /// Allocates `vm-VMID-disk-N` (or the given name) of `bytes` on
    /// `storage` for `node`, returning the volume id.
    mutating func allocateVolume(storage: PVEStorage, node: String, vmid: Int, bytes: Int, name: String? = nil) -> String {
        let location = location(storage: storage, node: node)
        var existing = volumes[location] ?? [:]
        var volname = name ?? ""
        if name == nil {
            var index = 0
            while existing["vm-\(vmid)-disk-\(index)"] != nil || existing["base-\(vmid)-disk-\(index)"] != nil {
                index += 1
            }
            volname = "vm-\(vmid)-disk-\(index)"
        }
        existing[volname] = bytes
        volumes[location] = existing
        return "\(storage.id):\(volname)"
    }

    mutating func freeVolume(_ volid: String, node: String) {
        guard let colon = volid.firstIndex(of: ":"), let storage = storage(String(volid[..<colon])) else { return }
        let name = String(volid[volid.index(after: colon)...])
        volumes[location(storage: storage, node: node)]?[name] = nil
    }

    mutating func resizeVolume(_ volid: String, node: String, bytes: Int) {
        guard let colon = volid.firstIndex(of: ":"), let storage = storage(String(volid[..<colon])) else { return }
        let name = String(volid[volid.index(after: colon)...])
        volumes[location(storage: storage, node: node)]?[name] = bytes
    }

    /// A fresh MAC address with the datacenter's default prefix `BC:24:11`.
    mutating func newMAC() -> String {
        macCounter &+= 0x9E37
        let value = macCounter & 0xFF_FFFF
        return String(format3: [UInt8(value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)])
    }
}

extension String {
    /// `BC:24:11:` followed by three bytes in upper-case hex.
    init(format3 bytes: [UInt8]) {
        self = "BC:24:11:" + bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
