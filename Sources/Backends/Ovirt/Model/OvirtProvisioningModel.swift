/// A logical network, `GET /networks` or `GET /clusters/{id}/networks`.
struct OvirtNetwork: OvirtCollectionElement {
    static let collectionKey = "network"

    /// `"vlan": {"id": "2921"}`.
    struct VLAN: Decodable, Sendable, Hashable {
        var id: OvirtInt?
    }

    var id: String?
    var name: String?
    var description: String?
    var dataCenter: OvirtReference?
    var vlan: VLAN?
    /// `"usages": {"usage": ["vm", "management"]}`; a VM network has `vm`.
    var usages: OvirtWrappedValues?

    enum CodingKeys: String, CodingKey {
        case id, name, description, vlan, usages
        case dataCenter = "data_center"
    }

    var vlanID: Int? { vlan?.id?.int }
}

/// A list of scalars under its wrapper key (`{"usage": ["vm"]}`), whatever the key.
struct OvirtWrappedValues: Decodable, Sendable, Hashable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        if let wrapped = try? decoder.singleValueContainer().decode([String: [String]].self) {
            values = wrapped.values.flatMap { $0 }
        } else if let bare = try? decoder.singleValueContainer().decode([String].self) {
            values = bare
        } else {
            values = []
        }
    }
}

/// A vNIC profile, `GET /networks/{id}/vnicprofiles`.
struct OvirtVnicProfile: OvirtCollectionElement {
    static let collectionKey = "vnic_profile"

    var id: String?
    var name: String?
    var network: OvirtReference?
}

/// A storage domain, `GET /storagedomains` or (with its status in that data center)
/// `GET /datacenters/{id}/storagedomains`.
struct OvirtStorageDomain: OvirtCollectionElement {
    static let collectionKey = "storage_domain"

    var id: String?
    var name: String?
    /// `data`, `iso`, `export`, `image`, …
    var type: String?
    /// `active`, `maintenance`, `unattached`, … (per data center for attached domains).
    var status: String?
    /// Bytes free.
    var available: OvirtInt?
}

/// A network interface of a host, `GET /hosts/{id}/nics`.
struct OvirtHostNic: OvirtCollectionElement {
    static let collectionKey = "host_nic"

    var id: String?
    var name: String?
    /// The network on this NIC; a VLAN network shows as its own NIC (`bond0.2921`) with `base_interface`.
    var network: OvirtReference?
    var baseInterface: String?
    var vlan: OvirtNetwork.VLAN?

    enum CodingKeys: String, CodingKey {
        case id, name, network, vlan
        case baseInterface = "base_interface"
    }
}

/// A network attached to a host NIC, `GET /hosts/{id}/nics/{nic}/networkattachments`.
struct OvirtNetworkAttachment: OvirtCollectionElement {
    static let collectionKey = "network_attachment"

    var id: String?
    var network: OvirtReference?
    var hostNic: OvirtReference?

    enum CodingKeys: String, CodingKey {
        case id, network
        case hostNic = "host_nic"
    }
}

/// A disk, inlined in a disk attachment (`follow=disk`) or from `GET /disks/{id}`.
struct OvirtDisk: Decodable, Sendable {
    var id: String?
    var name: String?
    var alias: String?
    /// Bytes the guest sees.
    var provisionedSize: OvirtInt?
    /// `ok`, `locked`, `illegal`.
    var status: String?
    var format: String?
    var sparse: OvirtBool?

    enum CodingKeys: String, CodingKey {
        case id, name, alias, status, format, sparse
        case provisionedSize = "provisioned_size"
    }
}

/// A disk attached to a VM or template, `GET /vms/{id}/diskattachments`.
struct OvirtDiskAttachment: OvirtCollectionElement {
    static let collectionKey = "disk_attachment"

    var id: String?
    var bootable: OvirtBool?
    var interface: String?
    var disk: OvirtDisk?

    /// The disk's id: the attachment's id is the disk's, but prefer the explicit reference.
    var diskID: String? { disk?.id ?? id }
}

/// A VM network interface, `GET /vms/{id}/nics`.
struct OvirtNIC: OvirtCollectionElement {
    static let collectionKey = "nic"

    var id: String?
    var name: String?
    var vnicProfile: OvirtReference?

    enum CodingKeys: String, CodingKey {
        case id, name
        case vnicProfile = "vnic_profile"
    }
}

/// The answer to an action (`POST /hosts/{id}/setupnetworks`, `POST /vms/{id}/start`):
/// `{"status": "complete", "job": {"id": …}}`; may carry a fault.
struct OvirtAction: Decodable, Sendable {
    var status: String?
    var job: OvirtReference?
    var fault: OvirtFault?
}
