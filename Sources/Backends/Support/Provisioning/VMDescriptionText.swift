import AggregatorCore

/// The text a created VM carries in its free-text field (Proxmox `description`, vSphere
/// `config.annotation`): the request's document and a marker line naming the creating job, which
/// lets a later run of the same job recognise the VM as its own.
///
/// ```swift
/// let text = VMDescriptionText.text(meta: VMDescriptionText.metaText(item.meta), jobID: job.jobID)
/// // "document 7002, owner ops\nvmaggregator-job: 5f0c…"
/// VMDescriptionText.creatingJob(text) // "5f0c…"
/// ```
public enum VMDescriptionText {
    /// The marker line's prefix.
    static let markerPrefix = "vmaggregator-job: "

    /// `document 6666, information system …, owner …, environment …`.
    public static func metaText(_ meta: RequestMeta) -> String {
        var parts = ["document \(meta.documentNum)"]
        if let value = meta.infSystem, !value.isEmpty { parts.append("information system \(value)") }
        if let value = meta.owner, !value.isEmpty { parts.append("owner \(value)") }
        if let value = meta.environment, !value.isEmpty { parts.append("environment \(value)") }
        return parts.joined(separator: ", ")
    }

    /// The request's text and the marker line of `jobID` below it.
    public static func text(meta text: String, jobID: String) -> String {
        "\(text)\n\(marker(jobID))"
    }

    /// `vmaggregator-job: ID`.
    public static func marker(_ jobID: String) -> String { markerPrefix + jobID }

    /// The job that created a VM, from the marker line of its text; nil without one.
    public static func creatingJob(_ text: String?) -> String? {
        guard let text else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = String(line).trimmingWhitespace()
            if trimmed.hasPrefix(markerPrefix) {
                let id = String(trimmed.dropFirst(markerPrefix.count)).trimmingWhitespace()
                if !id.isEmpty { return id }
            }
        }
        return nil
    }
}
