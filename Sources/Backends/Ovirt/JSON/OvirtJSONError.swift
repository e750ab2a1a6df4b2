/// Why the listing decoder refused an engine answer: malformed JSON, a value of the wrong type
/// in a field the backend keeps, or nesting deeper than ``OvirtJSONReader/maxDepth``.
struct OvirtJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset in the body where the problem was found.
    var offset: Int
    var message: String

    var description: String { "\(message) at byte \(offset)" }
}
