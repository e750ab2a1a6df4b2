/// A version as the engine writes it (`product_info.version`, `cluster.version`).
struct OvirtVersion: Decodable, Sendable, Hashable {
    var major: OvirtInt?
    var minor: OvirtInt?
    var build: OvirtInt?
    var revision: OvirtInt?
    var fullVersion: String?

    enum CodingKeys: String, CodingKey {
        case major, minor, build, revision
        case fullVersion = "full_version"
    }

    /// `major.minor`, when both are present.
    var majorMinor: String? {
        guard let major, let minor else { return nil }
        return "\(major.value).\(minor.value)"
    }
}
