import BackendSupport

/// Everything `execute` needs to make a port group and, for `create_vm`, one VM, resolved against
/// the vCenter while planning and stored with the job as the plan's payload. Its JSON uses
/// snake-case keys and the step names (`"steps": ["port_group", "clone", "configure", ...]`), as
/// `?dry_run=true` shows it.
struct VSpherePlan: Codable, Sendable, Hashable {
    /// One step, in the order execution runs them; encoded as its ``name``.
    enum Step: NamedPlanStep, Sendable, Hashable {
        /// Find, or make, the switch's port group carrying the VLAN.
        case portGroup
        /// `CloneVM_Task` of the template into the cluster's root resource pool and the datastore.
        case clone
        /// `ReconfigVM_Task`: CPUs, memory, annotation, the NIC on the port group.
        case configure
        /// Grow the first disk to its requested size.
        case resizeBootDisk
        /// Add `vm.extraDisks[index]`.
        case addDisk(Int)
        /// `CustomizeVM_Task`: host name, static address, DNS.
        case customize
        case powerOn

        var name: String {
            switch self {
            case .portGroup: "port_group"
            case .clone: "clone"
            case .configure: "configure"
            case .resizeBootDisk: "resize_boot_disk"
            case .addDisk(let index): "add_disk_\(index)"
            case .customize: "customize"
            case .powerOn: "power_on"
            }
        }

        init?(name: String) {
            switch name {
            case "port_group": self = .portGroup
            case "clone": self = .clone
            case "configure": self = .configure
            case "resize_boot_disk": self = .resizeBootDisk
            case "customize": self = .customize
            case "power_on": self = .powerOn
            default:
                guard name.hasPrefix("add_disk_"), let index = Int(name.dropFirst("add_disk_".count)), index >= 0
                else { return nil }
                self = .addDisk(index)
            }
        }
    }

    /// The distributed switch and the port group the NIC joins.
    struct Network: Codable, Sendable, Hashable {
        var switchName: String
        var switchRef: ManagedObjectReference
        /// The switch's `uuid`, which a NIC's port connection names.
        var switchUUID: String
        var vlanID: Int
        /// The port group's name: the one found, or the one to make.
        var portGroupName: String
        /// The port group found while planning; nil when the `port_group` step makes it.
        var existingPortGroup: ManagedObjectReference?
        /// Whether the port group was named in the section (used as it is, whatever its VLAN).
        var named: Bool

        enum CodingKeys: String, CodingKey {
            case named
            case switchName = "switch_name"
            case switchRef = "switch_ref"
            case switchUUID = "switch_uuid"
            case vlanID = "vlan_id"
            case portGroupName = "port_group_name"
            case existingPortGroup = "existing_port_group"
        }
    }

    /// A disk beyond the boot disk.
    struct ExtraDisk: Codable, Sendable, Hashable {
        /// Position in the request's `disks`.
        var requestIndex: Int
        var sizeGiB: Int
        var thin: Bool
        var mountPoint: String?

        enum CodingKeys: String, CodingKey {
            case thin
            case requestIndex = "request_index"
            case sizeGiB = "size_gib"
            case mountPoint = "mount_point"
        }
    }

    /// The static address the guest customization gives the NIC.
    struct Address: Codable, Sendable, Hashable {
        var ip: String
        var netmask: String
        var gateway: String
        var dnsServers: [String]
        /// The guest's short host name (`app-vm-03`).
        var hostName: String
        /// The guest's DNS domain (`example.com` of `app-vm-03.example.com`); nil when the host name has none.
        var domain: String?

        enum CodingKeys: String, CodingKey {
            case ip, netmask, gateway, domain
            case dnsServers = "dns_servers"
            case hostName = "host_name"
        }
    }

    /// The VM to make.
    struct Machine: Codable, Sendable, Hashable {
        var name: String
        var template: String
        var templateRef: ManagedObjectReference
        var folder: ManagedObjectReference
        /// `vm` or `vm/apps/web`, in messages.
        var folderPath: String
        var cluster: String
        /// The cluster's root resource pool.
        var resourcePool: ManagedObjectReference
        var datastore: String
        var datastoreRef: ManagedObjectReference
        /// Virtual CPUs, all on one socket.
        var cpus: Int
        var memoryMiB: Int
        /// The request's document, owner and so on; the job marker is added when the VM is made.
        var metaText: String
        /// The boot disk's requested size; nil keeps the template's.
        var bootDiskKiB: Int64?
        var extraDisks: [ExtraDisk]
        var address: Address

        enum CodingKeys: String, CodingKey {
            case name, template, folder, cluster, datastore, cpus, address
            case templateRef = "template_ref"
            case folderPath = "folder_path"
            case resourcePool = "resource_pool"
            case datastoreRef = "datastore_ref"
            case memoryMiB = "memory_mib"
            case metaText = "meta_text"
            case bootDiskKiB = "boot_disk_kib"
            case extraDisks = "extra_disks"
        }
    }

    var steps: [Step]
    var datacenter: String
    var network: Network
    /// The VM, for `create_vm`; nil for `create_vlan`.
    var vm: Machine?
}
