/// A VM as listed by `GET /ovirt-engine/api/vms` (only the fields the backend maps).
struct OvirtVM: OvirtCollectionElement {
    static let collectionKey = "vm"

    struct CPU: Decodable, Sendable {
        var topology: OvirtCPUTopology?
    }

    struct OperatingSystem: Decodable, Sendable {
        var type: String?
    }

    var id: String?
    var name: String?
    var status: String?
    var description: String?
    var comment: String?
    var fqdn: String?
    /// Bytes.
    var memory: OvirtInt?
    var cpu: CPU?
    var os: OperatingSystem?
    /// Epoch milliseconds.
    var creationTime: OvirtInt?
    var cluster: OvirtReference?
    /// Present only while the VM runs on a host.
    var host: OvirtReference?
    var template: OvirtReference?
    /// Present when listed with `follow=reported_devices`.
    var reportedDevices: OvirtCollection<OvirtReportedDevice>?

    enum CodingKeys: String, CodingKey {
        case id, name, status, description, comment, fqdn, memory, cpu, os, cluster, host, template
        case creationTime = "creation_time"
        case reportedDevices = "reported_devices"
    }
}

/// `cpu.topology`, shared by VMs and hosts.
struct OvirtCPUTopology: Decodable, Sendable, Hashable {
    var sockets: OvirtInt?
    var cores: OvirtInt?
    var threads: OvirtInt?
}

/// A network device the guest agent reports, with the guest's addresses.
struct OvirtReportedDevice: OvirtCollectionElement {
    static let collectionKey = "reported_device"

    struct MAC: Decodable, Sendable {
        var address: String?
    }

    var id: String?
    var name: String?
    var type: String?
    var mac: MAC?
    var ips: OvirtCollection<OvirtIP>?
}

/// One address of a reported device.
struct OvirtIP: OvirtCollectionElement {
    static let collectionKey = "ip"

    var address: String?
    /// `v4` or `v6`.
    var version: String?
}
