import SimulatorSupport

/// An injected failure: the next `count` API requests matching `method` and
/// `path` are answered with `status` and `message` the way the API answers
/// a failing call (`{"data":null,"message":…}` with the message as the
/// reason phrase), without touching the cluster.
///
/// Paths are API paths; one without the `/api2/json` prefix gets it
/// (`/nodes/pve1/qemu/9000/clone` and `/api2/json/nodes/pve1/qemu/9000/clone`
/// are the same rule). A path ending in `*` is a prefix.
///
/// ```swift
/// var options = SimulatedProxmoxOptions(name: "pve-test")
/// options.faults = [SimulatedProxmoxFaultRule(method: "POST", path: "/nodes/pve1/qemu/9000/clone", status: 500)]
/// ```
public struct SimulatedProxmoxFaultRule: SimulatedFault, Equatable {
    /// The HTTP method, upper case; `*` matches any.
    public var method: String
    /// The full request path without query (`/api2/json/…`): exact, or a prefix when it ends with `*`.
    public var path: String
    /// The HTTP status to answer.
    public var status: Int
    /// How many more requests to fail; nil for every request until cleared.
    public var count: Int?
    /// The error message (body `message` and reason phrase). Defaults to `injected fault`.
    public var message: String
    /// Delay before answering. Defaults to none.
    public var latency: Duration

    /// A rule failing the next `count` requests (nil: all) of `method` (`*`: any) on `path`.
    public init(
        method: String,
        path: String,
        status: Int,
        count: Int? = 1,
        message: String = "injected fault",
        latency: Duration = .zero
    ) {
        self.method = method.uppercased()
        self.path = Self.normalize(path)
        self.status = status
        self.count = count
        self.message = message
        self.latency = latency
    }

    /// Parses the command line form `METHOD:PATH:STATUS[:COUNT]` (COUNT 0 means every request;
    /// see ``SimulatedFaultSpec``).
    public init?(commandLine spec: String) {
        guard let spec = SimulatedFaultSpec(commandLine: spec) else { return nil }
        self.init(method: spec.method, path: spec.path, status: spec.status, count: spec.count)
    }

    static func normalize(_ path: String) -> String {
        path.hasPrefix("/api2/") ? path : "/api2/json" + path
    }
}
