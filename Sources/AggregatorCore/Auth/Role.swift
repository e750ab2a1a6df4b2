/// What an API caller may do. Roles are ordered: each one includes the ones below it.
///
/// - `reader`: listings, jobs and backends.
/// - `operator`: also creates and dry runs.
/// - `admin`: everything, including the audit trail and any administrative endpoint.
public struct Role: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    private enum Level: Int, Sendable, CaseIterable {
        case reader = 1
        case operatorLevel = 2
        case admin = 3
    }

    private let level: Level

    private init(_ level: Level) { self.level = level }

    /// Reads: listings, jobs, backends.
    public static let reader = Role(.reader)
    /// Reads, creates and dry runs.
    public static let `operator` = Role(.operatorLevel)
    /// Everything, including `GET /api/v1/audit`.
    public static let admin = Role(.admin)

    /// Every role, lowest first.
    public static let all: [Role] = [.reader, .operator, .admin]

    /// The role named `name` (`reader`, `operator`, `admin`; case-insensitive), or nil.
    public init?(name: String) {
        guard let role = Self.all.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = role
    }

    /// The role's name as written in the configuration.
    public var name: String {
        switch level {
        case .reader: "reader"
        case .operatorLevel: "operator"
        case .admin: "admin"
        }
    }

    /// True when this role may do what `other` may do.
    public func includes(_ other: Role) -> Bool { level.rawValue >= other.level.rawValue }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.level.rawValue < rhs.level.rawValue }

    public var description: String { name }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let role = Role(name: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown role '\(text)'; use reader, operator or admin"))
        }
        self = role
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
