import AggregatorCore
import BackendSupport

/// The kind-specific section of a request item: where in the vCenter a VM (or a port group) goes.
/// It is `vsphere` on the seed-style `POST /vsphere/create_vm` and `placement` on `POST /api/v1/vms`.
///
/// ```json
/// "placement": {"datacenter": "DC0", "cluster": "DC0_C0", "datastore": "LocalDS_0", "switch": "DVS0",
///               "folder": "apps/web", "port_group": "DC0_DVPG0"}
/// ```
struct VSphereSection: Sendable, Hashable {
    /// The datacenter everything else is looked up in.
    var datacenter: String
    /// The cluster whose root resource pool the VM joins; required for `create_vm`.
    var cluster: String?
    /// The datastore the VM's files and disks go on; required for `create_vm`.
    var datastore: String?
    /// A VM folder path under the datacenter's VM folder (`apps/web`); nil is that folder itself.
    var folder: String?
    /// The distributed switch whose port group the NIC joins.
    var switchName: String
    /// A port group of the switch to use as it is, instead of one found (or made) by VLAN id.
    var portGroup: String?

    static let keys = ["engine", "datacenter", "cluster", "datastore", "folder", "switch", "port_group"]

    enum Decoded {
        case section(VSphereSection)
        case invalid([ValidationIssue])
    }

    /// Decodes `item.section`, or returns every problem with its path (`placement.cluster`).
    /// `cluster` and `datastore` are required for `create_vm` only.
    static func decode(_ item: ProvisioningItem) -> Decoded {
        let section = item.section
        var issues: [ValidationIssue] = []
        guard let members = section.members else {
            return .invalid([ValidationIssue(path: item.sectionPath(""), message: "must be an object, found "
                                                + section.typeName, at: section)])
        }
        for member in members where !keys.contains(member.key) {
            issues.append(ValidationIssue(path: item.sectionPath(member.key), message: "unknown key '\(member.key)'",
                                          fix: "use \(keys.filter { $0 != "engine" }.joined(separator: ", "))",
                                          at: member.value))
        }
        func string(_ key: String, required: Bool, fix: String? = nil) -> String? {
            guard let value = section[key], !value.isNull else {
                if required {
                    issues.append(ValidationIssue(path: item.sectionPath(key), message: "is required", fix: fix,
                                                  at: section))
                }
                return nil
            }
            guard let text = value.string else {
                issues.append(ValidationIssue(path: item.sectionPath(key),
                                              message: "must be a string, found \(value.typeName)", at: value))
                return nil
            }
            let trimmed = text.trimmingWhitespace()
            guard !trimmed.isEmpty else {
                issues.append(ValidationIssue(path: item.sectionPath(key), message: "must not be empty", at: value))
                return nil
            }
            guard trimmed.count <= 80 else {
                issues.append(ValidationIssue(path: item.sectionPath(key),
                                              message: "is \(trimmed.count) characters long; vSphere names are at most 80",
                                              at: value))
                return nil
            }
            return trimmed
        }
        let creatingVM = item.action == .createVM
        let datacenter = string("datacenter", required: true, fix: "name the datacenter, e.g. \"DC0\"")
        let cluster = string("cluster", required: creatingVM, fix: "name the cluster the VM runs in")
        let datastore = string("datastore", required: creatingVM, fix: "name a datastore the cluster's hosts reach")
        let switchName = string("switch", required: true, fix: "name the distributed switch, e.g. \"DVS0\"")
        let portGroup = string("port_group", required: false)
        var folder: String?
        if let value = section["folder"], !value.isNull {
            if let text = value.string, let path = folderPath(text) {
                folder = path.isEmpty ? nil : path
            } else {
                issues.append(ValidationIssue(path: item.sectionPath("folder"),
                                              message: "must be a VM folder path such as \"apps/web\"",
                                              fix: "folder names joined by '/', under the datacenter's VM folder",
                                              at: value))
            }
        }
        guard issues.isEmpty, let datacenter, let switchName else { return .invalid(issues) }
        return .section(VSphereSection(datacenter: datacenter, cluster: cluster, datastore: datastore, folder: folder,
                                       switchName: switchName, portGroup: portGroup))
    }

    /// `apps/web` from `/apps/web/` (empty for the VM folder itself); nil when a name is empty
    /// (`apps//web`) or too long.
    static func folderPath(_ text: String) -> String? {
        var trimmed = Substring(text.trimmingWhitespace())
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed.isEmpty { return "" }
        let names = trimmed.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).trimmingWhitespace() }
        guard names.allSatisfy({ !$0.isEmpty && $0.count <= 80 }) else { return nil }
        return names.joined(separator: "/")
    }
}
