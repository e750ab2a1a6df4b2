/// A host as listed by `GET /ovirt-engine/api/hosts`.
struct OvirtHost: OvirtCollectionElement {
    static let collectionKey = "host"

    struct CPU: Decodable, Sendable {
        var name: String?
        var type: String?
        var topology: OvirtCPUTopology?
    }

    /// VM counts on the host: `active` (running), `migrating`, `total`.
    struct VMSummary: Decodable, Sendable {
        var active: OvirtInt?
        var migrating: OvirtInt?
        var total: OvirtInt?
    }

    struct OperatingSystem: Decodable, Sendable {
        var type: String?
        var version: OvirtVersion?
    }

    var id: String?
    var name: String?
    var address: String?
    var status: String?
    var comment: String?
    var description: String?
    var cluster: OvirtReference?
    var cpu: CPU?
    /// Bytes.
    var memory: OvirtInt?
    var summary: VMSummary?
    var os: OperatingSystem?

    /// Running VMs: `summary.active`, else `summary.total`.
    var runningVMs: Int? { (summary?.active ?? summary?.total)?.int }
}
