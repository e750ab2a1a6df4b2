/// The command line form of a fault, `METHOD:PATH:STATUS[:COUNT]`, as both
/// simulators' `--fault` option takes it.
///
/// ```swift
/// let spec = SimulatedFaultSpec(commandLine: "POST:/ovirt-engine/api/vms:409:2")
/// // method "POST", path "/ovirt-engine/api/vms", status 409, count 2
/// ```
public struct SimulatedFaultSpec: Sendable, Equatable {
    /// The method as given (not yet upper-cased).
    public var method: String
    /// The path; it may contain `:`.
    public var path: String
    /// The status, 100–599.
    public var status: Int
    /// How many requests to fail; nil (COUNT 0) for every request. Defaults to 1.
    public var count: Int?

    /// Parses `METHOD:PATH:STATUS[:COUNT]`; nil when the method is empty, the
    /// path does not start with `/` or the status is not 100–599.
    public init?(commandLine spec: String) {
        var parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3 else { return nil }
        var count: Int? = 1
        if parts.count >= 4, let last = Int(parts[parts.count - 1]), Int(parts[parts.count - 2]) != nil {
            count = last > 0 ? last : nil
            parts.removeLast()
        }
        guard let status = Int(parts.removeLast()), (100...599).contains(status) else { return nil }
        let method = parts.removeFirst()
        let path = parts.joined(separator: ":")
        guard !method.isEmpty, path.hasPrefix("/") else { return nil }
        self.method = method
        self.path = path
        self.status = status
        self.count = count
    }
}
