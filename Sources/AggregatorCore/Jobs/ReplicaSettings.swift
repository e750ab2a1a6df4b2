import Foundation

/// Who this process is among the replicas that share a job database, and how long it holds the
/// jobs it runs (`server.replica_name`, `jobs.lease`).
public struct ReplicaSettings: Sendable, Hashable {
    /// Shown on every job this process runs (``Job/runner``).
    public var name: String
    /// How long a claimed job stays held without a renewal; renewed every third of it. A replica
    /// that dies leaves its jobs to the others after at most this long.
    public var lease: Duration
    /// The lease holder's token: the name and something unique to this process, so a replica that
    /// restarts under the same name never mistakes its dead predecessor's leases for its own.
    public let owner: String

    /// - Parameters:
    ///   - name: The replica's name; nil takes the host name and the process id.
    ///   - lease: The lease (at least one second).
    public init(name: String? = nil, lease: Duration = .seconds(30)) {
        let process = ProcessInfo.processInfo
        self.name = name ?? "\(process.hostName)-\(process.processIdentifier)"
        self.lease = max(lease, .seconds(1))
        self.owner = "\(self.name)#\(process.processIdentifier)-\(UInt32.random(in: 0 ... .max))"
    }
}
