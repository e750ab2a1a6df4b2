/// What a successful login to an engine tells about it.
public struct EngineProbe: Sendable, Codable, Hashable {
    /// Product name as the engine reports it (`oVirt Engine`, `RED Virtualization`).
    public var product: String?
    /// Full API/product version, `4.5.5-1.el8`.
    public var version: String?
    /// Name of the user the backend authenticated as.
    public var user: String?

    public init(product: String? = nil, version: String? = nil, user: String? = nil) {
        self.product = product
        self.version = version
        self.user = user
    }
}
