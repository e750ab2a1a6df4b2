/// What a backend can do. A set that grows: new capabilities are new static members.
public struct BackendCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let listVMs = BackendCapabilities(rawValue: 1 << 0)
    public static let listHosts = BackendCapabilities(rawValue: 1 << 1)
    public static let listClusters = BackendCapabilities(rawValue: 1 << 2)
    public static let createVLAN = BackendCapabilities(rawValue: 1 << 3)
    public static let createVM = BackendCapabilities(rawValue: 1 << 4)
    /// The engine reports changes (``VirtualizationBackend/changes(since:)``) and single objects
    /// can be re-read, so the live model follows it between full reads.
    public static let changeFeed = BackendCapabilities(rawValue: 1 << 5)
    /// Start, stop, shut down, reboot and suspend VMs (``VMPowerBackend``).
    public static let powerVMs = BackendCapabilities(rawValue: 1 << 6)
    /// Delete VMs with their disks (``VMDeletingBackend``).
    public static let deleteVMs = BackendCapabilities(rawValue: 1 << 7)

    /// Every list capability.
    public static let inventory: BackendCapabilities = [.listVMs, .listHosts, .listClusters]

    /// Stable names, for the API and logs.
    public var names: [String] {
        var result: [String] = []
        if contains(.listVMs) { result.append("list_vms") }
        if contains(.listHosts) { result.append("list_hosts") }
        if contains(.listClusters) { result.append("list_clusters") }
        if contains(.createVLAN) { result.append("create_vlan") }
        if contains(.createVM) { result.append("create_vm") }
        if contains(.changeFeed) { result.append("change_feed") }
        if contains(.powerVMs) { result.append("power_vms") }
        if contains(.deleteVMs) { result.append("delete_vms") }
        return result
    }
}
