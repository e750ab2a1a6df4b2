/// An uploaded request that cannot run as written: every problem found, at once.
public struct RequestValidationError: Error, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(_ issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
