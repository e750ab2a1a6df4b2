/// An injected failure: the next `count` requests matching `method` and
/// `path` are answered with `status` and an engine fault body, without
/// touching the inventory, optionally after `latency`.
///
/// ```swift
/// var options = SimulatedEngineOptions(name: "e15-test")
/// options.faults = [FaultRule(method: "POST", path: "/ovirt-engine/api/vms", status: 409, count: 1)]
/// ```
public struct FaultRule: Sendable, Equatable {
    /// The HTTP method, upper case; `*` matches any.
    public var method: String
    /// The request path without query: exact, or a prefix when it ends with `*`.
    public var path: String
    /// The HTTP status to answer.
    public var status: Int
    /// How many more requests to fail; nil for every request until cleared.
    public var count: Int?
    /// The fault's `<reason>`. Defaults to `Operation Failed`.
    public var reason: String
    /// The fault's `<detail>`. Defaults to a bracketed note naming the simulator.
    public var detail: String
    /// Delay before answering. Defaults to none.
    public var latency: Duration

    public init(
        method: String,
        path: String,
        status: Int,
        count: Int? = 1,
        reason: String = "Operation Failed",
        detail: String = "[Injected fault]",
        latency: Duration = .zero
    ) {
        self.method = method.uppercased()
        self.path = path
        self.status = status
        self.count = count
        self.reason = reason
        self.detail = detail
        self.latency = latency
    }

    /// Parses the command line form `METHOD:PATH:STATUS[:COUNT]`.
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
        self.init(method: method, path: path, status: status, count: count)
    }

    func matches(method: String, path: String) -> Bool {
        guard self.method == "*" || self.method == method.uppercased() else { return false }
        if self.path.hasSuffix("*") {
            return path.hasPrefix(self.path.dropLast())
        }
        return path == self.path || path == self.path + "/"
    }
}
