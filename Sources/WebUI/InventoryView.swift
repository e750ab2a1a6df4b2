/// What differs between the VM, host and cluster pages: the search label, the filters offered
/// and the statuses to filter on. The columns are the script's (`Assets/inventory.js`).
struct InventoryView: Sendable {
    var kind: String
    var hasCluster = true
    var hasHost = false
    var statuses: [String] = []

    static let views: [String: InventoryView] = [
        "vms": InventoryView(kind: "vms", hasHost: true, statuses: [
            "up", "down", "suspended", "paused", "migrating", "image_locked", "powering_up", "powering_down",
            "reboot_in_progress", "not_responding", "unknown",
        ]),
        "hosts": InventoryView(kind: "hosts", statuses: [
            "up", "down", "maintenance", "non_responsive", "non_operational", "installing", "install_failed",
            "preparing_for_maintenance", "connecting", "initializing", "error", "unknown",
        ]),
        "clusters": InventoryView(kind: "clusters"),
    ]

    /// The states a job can be in, in the order of its life.
    static let jobStates = ["queued", "running", "succeeded", "failed", "interrupted"]

    func context(strings: [String: String], path: String) -> [String: Any] {
        [
            "kind": kind,
            "path": path,
            "searchLabel": strings["search_label_\(kind)"] ?? "",
            "searchHelp": strings["search_help_\(kind)"] ?? "",
            "caption": strings["caption_\(kind)"] ?? "",
            "hasCluster": hasCluster && kind != "clusters",
            "hasHost": hasHost,
            "hasStatus": !statuses.isEmpty,
            // VMs can be operated in bulk; the script shows the controls to callers allowed to.
            "hasBulk": kind == "vms",
            "statuses": statuses.map { ["value": $0, "label": strings["status_\($0)"] ?? $0] },
        ]
    }
}
