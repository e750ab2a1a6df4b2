/// How VMs may be operated (`operations:`).
///
/// ```yaml
/// operations:
///   max_bulk: 50            # VMs one bulk request may touch unless it asks for more
///   bulk_ceiling: 500       # the most a bulk request may ask for
///   delete_role: admin      # operator lets operators delete VMs too
///   shutdown_timeout: 5m    # how long a guest shutdown may take
/// ```
public struct OperationSettings: Sendable, Hashable {
    /// VMs one bulk request touches at most, unless it raises the limit (`max`) within ``bulkCeiling``.
    public var maxBulk = 50
    /// The highest limit a bulk request may ask for.
    public var bulkCeiling = 500
    /// The role a delete needs: `admin` (the default) or `operator`.
    public var deleteRole: Role = .admin
    /// How long a guest shutdown may take before the job fails (or, with `force`, powers off).
    public var shutdownTimeout: Duration = .seconds(300)

    public init() {}
}
