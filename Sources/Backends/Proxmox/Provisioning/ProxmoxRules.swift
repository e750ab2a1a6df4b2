import AggregatorCore
import BackendSupport

/// What Proxmox VE accepts, checked before anything is sent (see `docs/proxmox-backend.md` for
/// the sources), and small translations between the request and the API.
enum ProxmoxRules {
    static let gibibyte: Int64 = 1 << 30

    /// The VM `name` format `dns-name` (`PVE::JSONSchema::pve_verify_dns_name`): labels of ASCII
    /// letters, digits and `-`, not starting or ending with `-`, joined by dots.
    static func vmNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty else { return "has an empty label between dots" }
            if let bad = label.unicodeScalars.first(where: { !isASCIILetterOrDigit($0) && $0 != "-" }) {
                return "contains '\(bad)'; Proxmox VM names are DNS names of letters, digits, '-' and '.'"
            }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                return "has a label starting or ending with '-', which a DNS name cannot have"
            }
        }
        return nil
    }

    /// A node, storage, bridge or pool name: what `pve-node`, `pve-storage-id`, `pve-iface` and
    /// `pve-poolid` have in common (letters, digits, `-`, `_`, `.`; a letter or digit first).
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isASCIILetterOrDigit(first), text.count <= 128 else { return false }
        return text.unicodeScalars.allSatisfy { isASCIILetterOrDigit($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    struct Problem: Error {
        var message: String
        var fix: String?
    }

    /// The `cicustom` value to send and its user-data volume. A bare volume
    /// (`local:snippets/mount.yaml`) is user data; `user=…,network=…,meta=…,vendor=…` is kept as given.
    static func cicustom(_ text: String) -> Result<(value: String, userData: String?), Problem> {
        let parts = text.split(separator: ",").map { String($0).trimmingWhitespace() }
        if parts.count == 1, !parts[0].contains("=") {
            guard isSnippetVolume(parts[0]) else { return .failure(snippetProblem(parts[0])) }
            return .success(("user=\(parts[0])", parts[0]))
        }
        var userData: String?
        for part in parts {
            guard let equals = part.firstIndex(of: "=") else {
                return .failure(Problem(message: "'\(part)' has no type", fix: "write user=STORAGE:snippets/FILE"))
            }
            let key = String(part[..<equals])
            let volume = String(part[part.index(after: equals)...])
            guard ["user", "network", "meta", "vendor"].contains(key) else {
                return .failure(Problem(message: "unknown cicustom type '\(key)'", fix: "use user, network, meta or vendor"))
            }
            guard isSnippetVolume(volume) else { return .failure(snippetProblem(volume)) }
            if key == "user" { userData = volume }
        }
        return .success((parts.joined(separator: ","), userData))
    }

    /// `STORAGE:snippets/FILE`.
    static func isSnippetVolume(_ volume: String) -> Bool {
        guard let colon = volume.firstIndex(of: ":") else { return false }
        let storage = String(volume[..<colon])
        let path = volume[volume.index(after: colon)...]
        return isIdentifier(storage) && path.hasPrefix("snippets/") && path.count > "snippets/".count
            && !path.contains("..") && !path.contains(",")
    }

    private static func snippetProblem(_ volume: String) -> Problem {
        Problem(message: "'\(volume)' is not a snippet volume",
                fix: "write STORAGE:snippets/FILE, e.g. local:snippets/mount.yaml (a file the operator put in the "
                    + "storage's snippets directory)")
    }

    /// The domain part of a host name (`example.com` of `web01.example.com`), the guest's search domain.
    static func searchDomain(ofHostname hostname: String) -> String? {
        guard let dot = hostname.firstIndex(of: "."), hostname.index(after: dot) < hostname.endIndex else { return nil }
        return String(hostname[hostname.index(after: dot)...])
    }

    /// `50 GiB`, or with one decimal when not whole.
    static func gib(_ bytes: Int64) -> String {
        if bytes % gibibyte == 0 { return "\(bytes / gibibyte) GiB" }
        let tenths = (bytes * 10 + gibibyte / 2) / gibibyte
        return "\(tenths / 10).\(tenths % 10) GiB"
    }

    /// The description a created VM carries: the request's document and the creating job.
    /// The job line is the marker that lets a re-run recognise its own VM.
    static func description(meta text: String, jobID: String) -> String {
        VMDescriptionText.text(meta: text, jobID: jobID)
    }

    /// The job that created a VM, from its description's marker line.
    static func creatingJob(description: String?) -> String? {
        VMDescriptionText.creatingJob(description)
    }

    /// `document 6666, information system …, owner …, environment …`.
    static func metaText(_ meta: RequestMeta) -> String { VMDescriptionText.metaText(meta) }

    private static func isASCIILetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
