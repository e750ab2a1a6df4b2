import BackendSupport

/// One entry of `GET /cluster/resources` (`type=vm` gives `qemu` and `lxc` guests, `type=node`
/// the nodes, `type=storage` storages per node).
struct ProxmoxResource: Decodable, Sendable, Hashable {
    /// `qemu/100`, `node/pve1`, `storage/pve1/local`.
    var id: String?
    /// `qemu`, `lxc`, `node`, `storage`, `pool`, `sdn`.
    var type: String?
    /// Guests: `running`, `stopped`, `unknown`; nodes: `online`, `offline`, `unknown`.
    var status: String?
    var name: String?
    var node: String?
    var vmid: ProxmoxNumber?
    /// Guests: 1 for a template.
    var template: ProxmoxBool?
    /// Guests: virtual CPUs; nodes: logical CPUs.
    var maxcpu: ProxmoxNumber?
    /// Bytes.
    var maxmem: ProxmoxNumber?
    var maxdisk: ProxmoxNumber?
    var uptime: ProxmoxNumber?
    /// Guests: the config lock (`clone`, `create`, `migrate`, `backup`, `suspended`, ...).
    var lock: String?
    var hastate: String?
    var pool: String?
    var tags: String?
    var storage: String?
    var content: String?
    var shared: ProxmoxBool?

    var isQemu: Bool { type == "qemu" }
    var isTemplate: Bool { template?.value ?? false }
    var vmidValue: Int? { vmid?.int }
}

/// One entry of `GET /cluster/status`: the cluster itself (`type: cluster`, only on a cluster)
/// and one per node.
struct ProxmoxClusterStatusEntry: Decodable, Sendable, Hashable {
    var type: String?
    var id: String?
    var name: String?
    /// Cluster: node count including offline nodes.
    var nodes: ProxmoxNumber?
    var quorate: ProxmoxBool?
    /// Node: the address the node name resolves to.
    var ip: String?
    /// Node: the node that answered this request.
    var local: ProxmoxBool?
    var online: ProxmoxBool?
}

/// `GET /version`.
struct ProxmoxVersion: Decodable, Sendable, Hashable {
    /// `8.2.4`.
    var version: String?
    /// `8.2`.
    var release: String?
    var repoid: String?
}

/// `GET /nodes/{node}/tasks/{upid}/status`.
struct ProxmoxTaskStatus: Decodable, Sendable, Hashable {
    /// `running` or `stopped`.
    var status: String?
    /// Once stopped: `OK`, `WARNINGS: 2`, or the error text.
    var exitstatus: String?
    var type: String?
    var node: String?
    var upid: String?
}

/// One entry of `GET /nodes/{node}/storage`.
struct ProxmoxStorage: Decodable, Sendable, Hashable {
    var storage: String
    var type: String?
    /// Comma-separated content types: `images,rootdir`, `iso,vztmpl,backup,snippets`.
    var content: String?
    var enabled: ProxmoxBool?
    var active: ProxmoxBool?
    var shared: ProxmoxBool?
    /// Free bytes.
    var avail: ProxmoxNumber?

    var contents: Set<String> {
        Set((content ?? "").split(separator: ",").map { String($0).trimmingWhitespace() })
    }
    var isUsable: Bool { (enabled?.value ?? true) && (active?.value ?? true) }
}

/// One entry of `GET /nodes/{node}/network`.
struct ProxmoxNetworkInterface: Decodable, Sendable, Hashable {
    var iface: String
    /// `bridge`, `OVSBridge`, `bond`, `eth`, `vlan`, ...
    var type: String?
    var bridge_vlan_aware: ProxmoxBool?
    var active: ProxmoxBool?

    var isBridge: Bool { type == "bridge" || type == "OVSBridge" }
    /// Linux bridges carry tagged NICs only when VLAN-aware; Open vSwitch bridges always do.
    var isVLANAware: Bool { type == "OVSBridge" || (bridge_vlan_aware?.value ?? false) }
}

/// `GET /nodes/{node}/qemu/{vmid}/status/current`.
struct ProxmoxVMStatus: Decodable, Sendable, Hashable {
    /// `running` or `stopped`.
    var status: String?
    /// The QEMU monitor's state: `running`, `paused`, `prelaunch`, `suspended`, ...
    var qmpstatus: String?
    var lock: String?
    var name: String?
}

/// `GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces`: the guest agent's answer under `result`.
struct ProxmoxAgentInterfaces: Decodable, Sendable, Hashable {
    struct Interface: Decodable, Sendable, Hashable {
        struct Address: Decodable, Sendable, Hashable {
            var address: String?
            var type: String?
            var prefix: ProxmoxNumber?

            enum CodingKeys: String, CodingKey {
                case address = "ip-address"
                case type = "ip-address-type"
                case prefix
            }
        }

        var name: String?
        var addresses: [Address]?

        enum CodingKeys: String, CodingKey {
            case name
            case addresses = "ip-addresses"
        }
    }

    var result: [Interface]?
}

/// `GET /nodes/{node}/storage/{storage}/content`: one volume.
struct ProxmoxVolume: Decodable, Sendable, Hashable {
    /// `local:snippets/mount.yaml`.
    var volid: String
    var content: String?
}

/// `GET /nodes/{node}/qemu/{vmid}/config`: every key as text (`cores`, `memory`, `net0`, `scsi0`, ...).
typealias ProxmoxVMConfig = [String: ProxmoxText]
