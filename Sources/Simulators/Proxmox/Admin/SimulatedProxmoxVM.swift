/// A VM as the admin interface reports it.
public struct SimulatedProxmoxVM: Sendable, Hashable {
    /// The VM id.
    public var vmid: Int
    /// Its name (`VM N` when it has none).
    public var name: String
    /// The node it is on.
    public var node: String
    /// `running`, `stopped` or `paused`.
    public var status: String
    /// The configuration lock (`clone`, `destroyed`, …), if any.
    public var lock: String?
    /// Whether it is a template (`template: 1`).
    public var isTemplate: Bool
    /// The configuration, option name to value.
    public var config: [String: String]
}

/// A node as the admin interface reports it.
public struct SimulatedProxmoxNode: Sendable, Hashable {
    /// `pve1`, `pve2`, …
    public var name: String
    /// Whether it is part of the cluster (offline: unreachable, its VMs `unknown`).
    public var online: Bool
}

/// A task as the admin interface reports it.
public struct SimulatedProxmoxTask: Sendable, Hashable {
    /// The task's UPID.
    public var upid: String
    /// The node it runs on.
    public var node: String
    /// `qmclone`, `qmstart`, `qmconfig`, `resize`, …
    public var type: String
    /// The VM id the task is about.
    public var id: String
    /// Who started it: `root@pam`, or `root@pam!aggregator` for an API token.
    public var user: String
    /// nil while running; `OK` or the error once ended.
    public var exitStatus: String?
}
