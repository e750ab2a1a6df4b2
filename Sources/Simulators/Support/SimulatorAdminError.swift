/// Why an admin change to a simulator (an engine or a cluster) was refused.
///
/// Over HTTP, ``Code-swift.struct/notFound`` answers 404,
/// ``Code-swift.struct/invalid`` 400 and ``Code-swift.struct/conflict`` 409,
/// each with `{"error": message}`.
public struct SimulatorAdminError: Error, Sendable, CustomStringConvertible {
    /// What kind of refusal this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case notFound, invalid, conflict
        }

        private let base: Base

        /// The named VM, host, node or cluster does not exist.
        public static let notFound = Code(base: .notFound)
        /// A value in the request is not acceptable (an unknown status, a missing name).
        public static let invalid = Code(base: .invalid)
        /// The change does not fit the current state (a name in use, no host up to run on).
        public static let conflict = Code(base: .conflict)

        /// `not_found`, `invalid` or `conflict`.
        public var description: String {
            switch base {
            case .notFound: "not_found"
            case .invalid: "invalid"
            case .conflict: "conflict"
            }
        }

        /// The HTTP status the admin interface answers with: 404, 400 or 409.
        public var httpStatus: Int {
            switch base {
            case .notFound: 404
            case .invalid: 400
            case .conflict: 409
            }
        }
    }

    /// The kind of refusal.
    public var code: Code
    /// What was refused and why, naming the object.
    public var message: String

    /// A refusal of kind `code`, explained by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
