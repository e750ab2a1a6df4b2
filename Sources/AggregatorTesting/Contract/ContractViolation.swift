/// One way a backend broke the contract, named after the check that found it.
public struct ContractViolation: Sendable, Hashable, CustomStringConvertible {
    /// The check's name (`listings`, `bad-credentials`, ...).
    public var check: String
    /// What was wrong, with the values involved.
    public var message: String

    public init(check: String, message: String) {
        self.check = check
        self.message = message
    }

    public var description: String { "[\(check)] \(message)" }
}
