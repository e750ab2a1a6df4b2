/// A VM as the admin interface reports it.
public struct SimulatedProxmoxVM: Sendable, Hashable {
    public var vmid: Int
    public var name: String
    public var node: String
    /// `running`, `stopped` or `paused`.
    public var status: String
    /// The configuration lock (`clone`, `destroyed`, …), if any.
    public var lock: String?
    public var isTemplate: Bool
    /// The configuration, option name to value.
    public var config: [String: String]
}

/// A node as the admin interface reports it.
public struct SimulatedProxmoxNode: Sendable, Hashable {
    public var name: String
    public var online: Bool
}

/// A task as the admin interface reports it.
public struct SimulatedProxmoxTask: Sendable, Hashable {
    public var upid: String
    public var node: String
    /// `qmclone`, `qmstart`, `qmconfig`, `resize`, …
    public var type: String
    /// The VM id the task is about.
    public var id: String
    public var user: String
    /// nil while running; `OK` or the error once ended.
    public var exitStatus: String?
}
