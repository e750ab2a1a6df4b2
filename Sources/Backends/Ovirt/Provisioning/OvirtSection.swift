import AggregatorCore
import BackendSupport

/// The request's `ovirt` section (`placement` in `POST /api/v1/vms`): where on the engine an item goes.
///
/// ```json
/// "ovirt": {"engine": "e15-test", "cluster": "Default", "storage_domain": "hosted_storage", "host_nic": "bond0"}
/// ```
struct OvirtSection: Sendable, Hashable {
    var cluster: String
    /// Required for `create_vm`; ignored for `create_vlan`.
    var storageDomain: String?
    /// The host interface (usually a bond) that carries the VLAN on every host of the cluster.
    var hostNIC: String

    static let keys = ["engine", "cluster", "storage_domain", "host_nic"]

    /// Decodes `item.section`, or returns every problem with its path (`[0].ovirt.cluster`).
    enum Decoded {
        case section(OvirtSection)
        case invalid([ValidationIssue])
    }

    static func decode(_ item: ProvisioningItem) -> Decoded {
        let prefix = item.sectionPath("")
        let section = item.section
        var issues: [ValidationIssue] = []
        guard let members = section.members else {
            return .invalid([ValidationIssue(path: prefix, message: "must be an object, found \(section.typeName)",
                                             at: section)])
        }
        for member in members where !keys.contains(member.key) {
            issues.append(ValidationIssue(path: "\(prefix).\(member.key)", message: "unknown key '\(member.key)'",
                                          fix: "use \(keys.joined(separator: ", "))", at: member.value))
        }
        func string(_ key: String, required: Bool) -> String? {
            guard let value = section[key], !value.isNull else {
                if required {
                    issues.append(ValidationIssue(path: "\(prefix).\(key)", message: "is required", at: section))
                }
                return nil
            }
            guard let text = value.string else {
                issues.append(ValidationIssue(path: "\(prefix).\(key)", message: "must be a string, found \(value.typeName)",
                                              at: value))
                return nil
            }
            let trimmed = text.trimmingWhitespace()
            guard !trimmed.isEmpty else {
                issues.append(ValidationIssue(path: "\(prefix).\(key)", message: "must not be empty", at: value))
                return nil
            }
            return trimmed
        }
        // The seed's files name the engine here; `POST /api/v1/vms` names it at the top.
        let engine = string("engine", required: false)
        let cluster = string("cluster", required: true)
        let storageDomain = string("storage_domain", required: item.action == .createVM)
        let hostNIC = string("host_nic", required: true)
        if let engine, engine != item.engine {
            issues.append(ValidationIssue(path: "\(prefix).engine",
                                          message: "names engine '\(engine)' but the item was routed to '\(item.engine)'",
                                          at: section["engine"]))
        }
        guard issues.isEmpty, let cluster, let hostNIC else { return .invalid(issues) }
        return .section(OvirtSection(cluster: cluster, storageDomain: storageDomain, hostNIC: hostNIC))
    }
}
