import SimulatorSupport

/// An injected failure: the next `count` requests matching `method` and
/// `path` are answered with `status` and an engine fault body, without
/// touching the inventory, optionally after `latency`.
///
/// ```swift
/// var options = SimulatedEngineOptions(name: "e15-test")
/// options.faults = [SimulatedEngineFaultRule(method: "POST", path: "/ovirt-engine/api/vms", status: 409, count: 1)]
/// ```
public struct SimulatedEngineFaultRule: SimulatedFault, Equatable {
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

    /// Parses the command line form `METHOD:PATH:STATUS[:COUNT]` (see ``SimulatedFaultSpec``).
    public init?(commandLine spec: String) {
        guard let spec = SimulatedFaultSpec(commandLine: spec) else { return nil }
        self.init(method: spec.method, path: spec.path, status: spec.status, count: spec.count)
    }
}
