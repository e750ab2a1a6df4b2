/// A secret value (a password) that never prints itself.
///
/// `description` and string interpolation show `<redacted>`; read ``value`` only where the
/// secret is sent to the engine.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself. Never log it.
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Where a backend's password comes from. Never the YAML itself.
public enum SecretSource: Sendable, Hashable, CustomStringConvertible {
    /// The named environment variable.
    case environment(String)
    /// A file whose content (trimmed of a trailing newline) is the secret.
    case file(String)

    public var description: String {
        switch self {
        case .environment(let name): return "environment variable \(name)"
        case .file(let path): return "file \(path)"
        }
    }
}
