import AggregatorCore

/// The names a client may address the server by (its `Host` header), checked while
/// authentication is off so that a web page which rebinds its own DNS name to this server's
/// address cannot reach the API through a victim's browser (DNS rebinding).
public struct HostAllowList: Sendable, Hashable {
    /// Names and addresses accepted besides the loopback names, lowercased, without port.
    public var names: Set<String>
    /// Whether `localhost`, `127.0.0.0/8` and `::1` are accepted.
    public var allowsLoopback: Bool

    /// - Parameters:
    ///   - names: Host names or addresses (any case, IPv6 with or without brackets).
    ///   - allowsLoopback: Accept the loopback names too.
    public init(names: some Sequence<String> = [], allowsLoopback: Bool = true) {
        self.names = Set(names.map(Self.normalized))
        self.allowsLoopback = allowsLoopback
    }

    /// Loopback names only: the default for a loopback listener.
    public static let loopback = HostAllowList()

    /// True when `host` (a `Host` header's name, without port) is allowed.
    public func contains(_ host: String) -> Bool {
        let name = Self.normalized(host)
        return (allowsLoopback && LoopbackAddress.contains(name)) || names.contains(name)
    }

    static func normalized(_ name: String) -> String {
        var lowered = name.lowercased()
        if lowered.hasPrefix("["), lowered.hasSuffix("]") { lowered = String(lowered.dropFirst().dropLast()) }
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }
}
