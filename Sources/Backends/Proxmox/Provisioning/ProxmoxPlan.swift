import BackendSupport

/// Everything `execute` needs to create one VM, resolved against the engine while planning and
/// stored with the job as the plan's payload. Its JSON uses snake-case keys and step names
/// (`"steps": ["clone_vm", "configure_vm", "add_disk[0]", ...]`), as `?dry_run=true` shows it.
struct ProxmoxPlan: Codable, Sendable, Hashable {
    /// One step, in the order execution runs them; encoded as its ``name``.
    enum Step: NamedPlanStep, Sendable, Hashable {
        /// Full clone of the template onto the node and storage.
        case clone
        /// Cores, memory, NIC, cloud-init network settings, description.
        case configure
        /// Grow the boot disk to its requested size.
        case resizeBootDisk
        /// Allocate `extraDisks[index]`.
        case addDisk(Int)
        case start
        /// Wait until the VM reports `running`.
        case waitRunning

        /// The step's stable name in plans and job records.
        var name: String {
            switch self {
            case .clone: "clone_vm"
            case .configure: "configure_vm"
            case .resizeBootDisk: "resize_boot_disk"
            case .addDisk(let index): "add_disk[\(index)]"
            case .start: "start_vm"
            case .waitRunning: "wait_running"
            }
        }

        /// The step called `name`, if any.
        init?(name: String) {
            switch name {
            case "clone_vm": self = .clone
            case "configure_vm": self = .configure
            case "resize_boot_disk": self = .resizeBootDisk
            case "start_vm": self = .start
            case "wait_running": self = .waitRunning
            default:
                guard name.hasPrefix("add_disk["), name.hasSuffix("]"),
                      let index = Int(name.dropFirst("add_disk[".count).dropLast()), index >= 0
                else { return nil }
                self = .addDisk(index)
            }
        }
    }

    /// A disk beyond the boot disk.
    struct ExtraDisk: Codable, Sendable, Hashable {
        /// Position in the request's `disks`.
        var requestIndex: Int
        /// `scsi1`: the first SCSI slots the template leaves free.
        var slot: String
        var sizeGiB: Int
        var mountPoint: String?

        enum CodingKeys: String, CodingKey {
            case requestIndex = "request_index"
            case slot
            case sizeGiB = "size_gib"
            case mountPoint = "mount_point"
        }
    }

    var steps: [Step]
    /// The VM's name (a DNS name).
    var name: String
    /// The node the VM runs on.
    var node: String
    var templateVMID: Int
    var templateName: String
    /// The node holding the template, where the clone call goes.
    var templateNode: String
    var storage: String
    var pool: String?
    /// The VM id asked for; nil takes `/cluster/nextid`.
    var vmid: Int?
    var cores: Int
    var memoryMiB: Int
    var bridge: String
    var vlanTag: Int
    /// `ip=10.0.0.5/24,gw=10.0.0.1`.
    var ipConfig: String
    /// Space-separated DNS servers.
    var nameservers: String
    var searchDomain: String?
    var cicustom: String?
    /// The request's document, owner and so on; the job marker is added when the VM is made.
    var metaText: String
    /// The boot disk's slot (`scsi0`) and requested size; nil keeps the template's size.
    var bootDiskSlot: String?
    var bootDiskGiB: Int?
    var extraDisks: [ExtraDisk]

    enum CodingKeys: String, CodingKey {
        case steps, name, node, storage, pool, vmid, cores, bridge, nameservers, cicustom
        case templateVMID = "template_vmid"
        case templateName = "template_name"
        case templateNode = "template_node"
        case memoryMiB = "memory_mib"
        case vlanTag = "vlan_tag"
        case ipConfig = "ip_config"
        case searchDomain = "search_domain"
        case metaText = "meta_text"
        case bootDiskSlot = "boot_disk_slot"
        case bootDiskGiB = "boot_disk_gib"
        case extraDisks = "extra_disks"
    }
}
