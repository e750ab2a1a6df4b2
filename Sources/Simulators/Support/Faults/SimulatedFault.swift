/// An injected failure as both simulators match it: the next ``count``
/// requests of ``method`` on ``path`` are answered with ``status`` instead of
/// reaching the simulated engine. Each simulator adds the body it answers with.
public protocol SimulatedFault: Sendable {
    /// The HTTP method, upper case; `*` matches any.
    var method: String { get }
    /// The request path without query: exact, or a prefix when it ends with `*`.
    var path: String { get }
    /// The HTTP status to answer.
    var status: Int { get }
    /// How many more requests to fail; nil for every request until cleared.
    var count: Int? { get set }
    /// Delay before answering.
    var latency: Duration { get }
}

extension SimulatedFault {
    /// Whether a request of `method` on `path` (without query) is one this fault fails.
    public func matches(method: String, path: String) -> Bool {
        guard self.method == "*" || self.method == method.uppercased() else { return false }
        if self.path.hasSuffix("*") {
            return path.hasPrefix(self.path.dropLast())
        }
        return path == self.path || path == self.path + "/"
    }
}
