import AggregatorCore

/// The typed plan of one oVirt job, made by ``OvirtBackend/plan(_:)`` against the live engine and
/// stored with the job as the ``ProvisioningPlan/payload``. ``OvirtBackend/execute(_:context:)``
/// runs ``steps`` in order and reads nothing else of the request.
struct OvirtPlan: Codable, Sendable, Hashable {
    /// An engine object by id, with its name for messages.
    struct Ref: Codable, Sendable, Hashable {
        var id: String
        var name: String
    }

    /// The engine's `major.minor` at planning time (host network commits differ before 4.3).
    struct Version: Codable, Sendable, Hashable {
        var major: Int
        var minor: Int

        var isBefore4_3: Bool { (major, minor) < (4, 3) }
    }

    /// The VLAN network every item ensures.
    struct Network: Codable, Sendable, Hashable {
        var name: String
        var vlanID: Int
        var dataCenter: Ref
    }

    /// What a `create_vm` item creates.
    struct VirtualMachine: Codable, Sendable, Hashable {
        /// The VM as requested (validated by Core).
        var spec: VMSpec
        var template: Ref
        /// The template's boot disk, cloned onto ``storageDomain``.
        var templateDiskID: String
        var storageDomain: Ref
        /// The engine's OS type for the request's `os` (`rhel_8x64`), nil to keep the template's.
        var osType: String?
    }

    /// One step of execution, in order.
    enum Step: Codable, Sendable, Hashable {
        /// Create the VLAN network in the data center, or reuse one with the same name and tag.
        case createNetwork
        /// Find the network's vNIC profile, or create one.
        case ensureVnicProfile
        /// Attach the network to the cluster unless it is attached.
        case attachToCluster
        /// Set the network up on `host_nic` of every host of the cluster, as the engine lists them
        /// when the step runs (a host added since planning gets it too).
        case attachToHosts
        /// Clone the VM from the template and wait until it is down.
        case createVM
        /// Grow the boot disk to `bytes` unless it is that large.
        case extendBootDisk(bytes: Int64)
        /// Add `vm.disks[index]` on the storage domain.
        case addDisk(index: Int)
        /// Write the cloud-init script that formats and mounts the added disks.
        case configureCloudInit
        /// Put `nic1` on the network's vNIC profile.
        case addNIC
        /// Start with cloud-init and wait until up.
        case startVM
    }

    var action: ProvisioningAction
    /// The ordering document, written into the network's and VM's description and comment.
    var meta: RequestMeta
    var engineVersion: Version?
    var cluster: Ref
    /// The host interface that carries the VLAN on every host.
    var hostNIC: String
    var network: Network
    var vm: VirtualMachine?
    var steps: [Step]
}

/// Step names of a job's record, stable for machines; per-host and per-disk steps carry a suffix.
enum OvirtStep {
    static let createNetwork = "create_network"
    static let vnicProfile = "ensure_vnic_profile"
    static let attachToCluster = "attach_network_to_cluster"
    static let attachToHostPrefix = "attach_network_to_host:"
    static let createVM = "create_vm"
    static let extendBootDisk = "extend_boot_disk"
    /// `add_disk[1]`: the index is the disk's position in `vm.disks`.
    static func addDisk(_ index: Int) -> String { "add_disk[\(index)]" }
    /// `disk_id[1]`: the engine id `add_disk[1]` records for the disk it made.
    static func diskID(_ index: Int) -> String { "disk_id[\(index)]" }
    static let configureCloudInit = "configure_cloud_init"
    static let addNIC = "add_nic"
    static let startVM = "start_vm"
}

extension OvirtPlan.Step {
    /// Steps that set up the VLAN network; one job at a time runs them per cluster and network.
    var isNetworkStep: Bool {
        switch self {
        case .createNetwork, .ensureVnicProfile, .attachToCluster, .attachToHosts: true
        default: false
        }
    }
}
