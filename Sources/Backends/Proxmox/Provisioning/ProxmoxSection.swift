import AggregatorCore
import BackendSupport

/// The kind-specific section of a request item: where on the Proxmox VE cluster a VM goes.
/// It is `proxmox` on `POST /proxmox/create_vm` and `placement` on `POST /api/v1/vms`.
///
/// ```json
/// "proxmox": {"engine": "pve-lab", "node": "pve1", "storage": "local-lvm", "bridge": "vmbr0",
///             "pool": "web", "cicustom": "local:snippets/mount-data.yaml"}
/// ```
struct ProxmoxSection: Sendable, Hashable {
    /// The node the VM runs on.
    var node: String
    /// The storage its disks are allocated on (content `images`).
    var storage: String
    /// The bridge its NIC joins. Defaults to `vmbr0`.
    var bridge: String
    /// The resource pool the VM joins, if any.
    var pool: String?
    /// The VM id to use instead of the next free one.
    var vmid: Int?
    /// The cloud-init `cicustom` value (`user=local:snippets/mount.yaml`); a bare volume is user data.
    var cicustom: String?
    /// The user-data snippet volume named by ``cicustom`` (`local:snippets/mount.yaml`).
    var userDataSnippet: String?

    static let keys = ["engine", "node", "storage", "bridge", "pool", "vmid", "cicustom"]
    static let defaultBridge = "vmbr0"
    /// Proxmox VE accepts VM ids 100 to 999,999,999 (`pve-vmid`).
    static let vmidRange = 100...999_999_999

    enum Decoded {
        case section(ProxmoxSection)
        case invalid([ValidationIssue])
    }

    /// Decodes `item.section`, or returns every problem with its path (`[0].proxmox.node`).
    static func decode(_ item: ProvisioningItem) -> Decoded {
        let prefix = "\(item.path).\(item.sectionName)"
        let section = item.section
        var issues: [ValidationIssue] = []
        guard let members = section.members else {
            return .invalid([ValidationIssue(path: prefix, message: "must be an object, found \(section.typeName)",
                                             at: section)])
        }
        for member in members where !keys.contains(member.key) {
            issues.append(ValidationIssue(path: "\(prefix).\(member.key)", message: "unknown key '\(member.key)'",
                                          fix: "use \(keys.filter { $0 != "engine" }.joined(separator: ", "))",
                                          at: member.value))
        }
        func string(_ key: String, required: Bool, fix: String? = nil) -> String? {
            guard let value = section[key], !value.isNull else {
                if required {
                    issues.append(ValidationIssue(path: "\(prefix).\(key)", message: "is required", fix: fix, at: section))
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
            guard ProxmoxRules.isIdentifier(trimmed) else {
                issues.append(ValidationIssue(path: "\(prefix).\(key)",
                                              message: "'\(trimmed)' is not a Proxmox \(key) name",
                                              fix: "letters, digits, '-', '_' and '.', starting with a letter or digit",
                                              at: value))
                return nil
            }
            return trimmed
        }
        let node = string("node", required: true, fix: "name the node the VM runs on, e.g. \"pve1\"")
        let storage = string("storage", required: true, fix: "name a storage with content 'images', e.g. \"local-lvm\"")
        let bridge = string("bridge", required: false) ?? defaultBridge
        let pool = string("pool", required: false)

        var vmid: Int?
        if let value = section["vmid"], !value.isNull {
            let number = value.integer ?? value.string.flatMap { Int($0.trimmingWhitespace()) }
            if let number, vmidRange.contains(number) {
                vmid = number
            } else {
                issues.append(ValidationIssue(path: "\(prefix).vmid", message: "must be a VM id from 100 to 999999999",
                                              fix: "leave vmid out to take the next free id", at: value))
            }
        }

        var cicustom: String?
        var snippet: String?
        if let value = section["cicustom"], !value.isNull {
            if let text = value.string?.trimmingWhitespace(), !text.isEmpty {
                switch ProxmoxRules.cicustom(text) {
                case .success(let parsed):
                    cicustom = parsed.value
                    snippet = parsed.userData
                case .failure(let problem):
                    issues.append(ValidationIssue(path: "\(prefix).cicustom", message: problem.message,
                                                  fix: problem.fix, at: value))
                }
            } else {
                issues.append(ValidationIssue(path: "\(prefix).cicustom", message: "must be a snippet volume such as "
                                                + "\"local:snippets/mount.yaml\"", at: value))
            }
        }
        guard issues.isEmpty, let node, let storage else { return .invalid(issues) }
        return .section(ProxmoxSection(node: node, storage: storage, bridge: bridge, pool: pool, vmid: vmid,
                                       cicustom: cicustom, userDataSnippet: snippet))
    }
}
