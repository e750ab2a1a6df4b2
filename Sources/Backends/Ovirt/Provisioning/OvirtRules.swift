import Foundation

/// The engine's own rules for what it accepts, checked before anything is sent, and small
/// translations between the request and the engine (see `docs/ovirt-backend.md` for sources).
enum OvirtRules {
    static let gibibyte: Int64 = 1 << 30

    /// The id of the job that made a VM, from the `job=ID` entry our creates write into its
    /// comment (`document_num=6666; …; job=ID`), or nil for a VM made some other way.
    static func creatingJob(comment: String?) -> String? {
        guard let comment else { return nil }
        for entry in comment.split(separator: ";") {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("job=") else { continue }
            let id = trimmed.dropFirst(4)
            let allowed = id.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "-" || $0 == "_" }
            if !id.isEmpty, id.count <= 64, allowed { return String(id) }
        }
        return nil
    }

    /// `a VM named web01 already exists on engine e15 (id …), made by job …` and the fix that goes with it.
    static func existingVM(_ name: String, engine: String, id: String?, comment: String?)
        -> (message: String, fix: String)
    {
        var message = "a VM named \(name) already exists on engine \(engine)"
        if let id { message += " (id \(id))" }
        guard let job = creatingJob(comment: comment) else {
            return (message, "choose another name; existing VMs are never replaced or duplicated")
        }
        message += ", made by job \(job)"
        return (message, "see GET /api/v1/jobs/\(job) for how far that job got; remove the VM on the engine "
                    + "to create it again, or choose another name")
    }

    /// `VmStatic.name`: 1–255 characters (`VM_NAME_SIZE`), letters of any script, digits, `.`, `_`, `-`
    /// (`ValidationUtils.NO_SPECIAL_CHARACTERS_I18N`). Returns the reason a name is refused.
    static func vmNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.count > 255 { return "is \(name.count) characters long; the engine allows at most 255" }
        let bad = name.unicodeScalars.filter { !isLetter($0) && !isASCIIDigit($0)
            && $0 != "." && $0 != "_" && $0 != "-" }
        if let first = bad.first {
            return "contains '\(first)'; the engine allows only letters, digits, '.', '_' and '-'"
        }
        return nil
    }

    /// `Network.name`: since engine 4.3 any text of 1–256 characters (`NETWORK_NAME_SIZE`; hosts use a
    /// generated `vdsm_name`); before that `^[-_a-zA-Z0-9]{1,15}$`.
    static func networkNameProblem(_ name: String, engineVersion: (major: Int, minor: Int)?) -> String? {
        if name.isEmpty { return "must not be empty" }
        if let version = engineVersion, version < (4, 3) {
            let allowed = name.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "-" || $0 == "_" }
            if name.count > 15 || !allowed {
                return "engine \(version.major).\(version.minor) accepts network names of at most 15 characters "
                    + "of A–Z, a–z, 0–9, '-' and '_'"
            }
            return nil
        }
        if name.count > 256 { return "is \(name.count) characters long; the engine allows at most 256" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 }) { return "contains a control character" }
        return nil
    }

    /// The engine's `os.type` for a free-text OS name, when it is unambiguous: the RHEL family
    /// (RED OS, RHEL, CentOS, Rocky, Alma, Oracle Linux) with major version 6–9 maps to `rhel_Nx64`.
    /// Anything else keeps the template's OS type.
    static func osType(for text: String?) -> String? {
        guard let text else { return nil }
        let lower = text.lowercased()
        let families = ["red os", "redos", "red-os", "rhel", "red hat", "centos", "rocky", "alma", "oracle linux"]
        let compact = lower.replacingOccurrences(of: " ", with: "")
        guard families.contains(where: { lower.hasPrefix($0) || compact.hasPrefix($0.replacingOccurrences(of: " ", with: "")) })
        else { return nil }
        let major = lower.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0.prefix(1)) }
        guard let major, (6...9).contains(major) else { return nil }
        return "rhel_\(major)x64"
    }

    /// A search value: as is when it is a plain word, else in double quotes.
    static func searchValue(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            isASCIILetter($0) || isASCIIDigit($0) || $0 == "-" || $0 == "_" || $0 == "."
        }
        return plain ? text : "\"\(text)\""
    }

    /// `major.minor` from the API root's `product_info.version`.
    static func version(_ version: OvirtVersion?) -> (major: Int, minor: Int)? {
        guard let major = version?.major?.int, let minor = version?.minor?.int else { return nil }
        return (major, minor)
    }

    static func gib(_ bytes: Int64) -> String {
        bytes % gibibyte == 0 ? "\(bytes / gibibyte) GiB" : String(format: "%.1f GiB", Double(bytes) / Double(gibibyte))
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
