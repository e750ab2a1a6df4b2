/// A cluster as listed by `GET /ovirt-engine/api/clusters`.
struct OvirtCluster: OvirtCollectionElement {
    static let collectionKey = "cluster"

    struct CPU: Decodable, Sendable {
        var type: String?
        var architecture: String?
    }

    var id: String?
    var name: String?
    var description: String?
    var comment: String?
    var dataCenter: OvirtReference?
    var cpu: CPU?
    /// Compatibility version (`major`/`minor`).
    var version: OvirtVersion?

    enum CodingKeys: String, CodingKey {
        case id, name, description, comment, cpu, version
        case dataCenter = "data_center"
    }
}

/// A data center as listed by `GET /ovirt-engine/api/datacenters`.
struct OvirtDataCenter: OvirtCollectionElement {
    static let collectionKey = "data_center"

    var id: String?
    var name: String?
    var status: String?
}

/// A template as listed by `GET /ovirt-engine/api/templates`.
struct OvirtTemplate: OvirtCollectionElement {
    static let collectionKey = "template"

    /// `version.version_number`: templates of one name are versions of one base template.
    struct Version: Decodable, Sendable {
        var versionNumber: OvirtInt?

        enum CodingKeys: String, CodingKey {
            case versionNumber = "version_number"
        }
    }

    var id: String?
    var name: String?
    /// Present on templates made for a cluster; the Blank template has none.
    var cluster: OvirtReference?
    var version: Version?
}
