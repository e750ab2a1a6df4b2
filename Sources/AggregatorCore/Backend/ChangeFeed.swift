/// A position in an engine's change stream. Opaque to Core: only the backend that made it
/// reads it (for oVirt, the audit log index and what it still waits for).
public struct ChangeCursor: Sendable, Hashable, CustomStringConvertible {
    public var token: String
    public init(_ token: String) { self.token = token }
    public var description: String { token }
}

/// An inventory object an engine said something about; the model re-reads it (or drops it
/// when the engine no longer has it).
public enum InventoryObject: Sendable, Hashable, CustomStringConvertible {
    case vm(id: String)
    case host(id: String)
    case cluster(id: String)

    public var description: String {
        switch self {
        case .vm(let id): "vm \(id)"
        case .host(let id): "host \(id)"
        case .cluster(let id): "cluster \(id)"
        }
    }
}

/// What an engine's change stream says since a cursor.
public enum ChangeFeedResult: Sendable, Hashable {
    /// These objects changed (in any way, removal included); ask again from `next`.
    /// An empty list with an unchanged cursor means nothing happened.
    case changes([InventoryObject], next: ChangeCursor)
    /// The stream cannot say what changed since the cursor: event ids went backwards (the
    /// engine was restored), the engine no longer holds events not seen yet, or events stayed
    /// missing. The model reads the engine in full and starts again from a new cursor.
    case resync(reason: String)
}

/// Everything the live model keeps of one engine, read in one go.
public struct EngineReadout: Sendable {
    public var vms: [VM]
    public var hosts: [Hypervisor]
    public var clusters: [Cluster]

    public init(vms: [VM], hosts: [Hypervisor], clusters: [Cluster]) {
        self.vms = vms
        self.hosts = hosts
        self.clusters = clusters
    }
}
