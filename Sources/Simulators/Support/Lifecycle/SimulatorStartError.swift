/// Why a simulator could not start.
public struct SimulatorStartError: Error, Sendable, CustomStringConvertible {
    /// The engine (or cluster) name.
    public var name: String
    /// What went wrong.
    public var message: String

    /// A failure of the simulator `name`, explained by `message`.
    public init(name: String, message: String) {
        self.name = name
        self.message = message
    }

    /// `name: message`.
    public var description: String { "\(name): \(message)" }
}
