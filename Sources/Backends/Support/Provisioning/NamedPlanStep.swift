/// A step of a kind's typed plan, stored in the plan's payload (and shown by `?dry_run=true`) as
/// its stable name: `clone`, `add_disk[0]`.
///
/// Conforming gives the step its `Codable` conformance: it encodes as ``name`` and decodes
/// through ``init(name:)``, refusing names it does not know.
///
/// ```swift
/// enum Step: NamedPlanStep, Hashable {
///     case clone, addDisk(Int)
///     var name: String { ... }
///     init?(name: String) { ... }
/// }
/// ```
public protocol NamedPlanStep: Codable {
    /// The step's stable name in plans and job records.
    var name: String { get }
    /// The step called `name`; nil for a name the kind does not know.
    init?(name: String)
}

extension NamedPlanStep {
    /// Decodes the step from its name.
    /// - Throws: `DecodingError.dataCorrupted` naming an unknown step.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let step = Self(name: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown step '\(name)'")
        }
        self = step
    }

    /// Encodes the step as its name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
