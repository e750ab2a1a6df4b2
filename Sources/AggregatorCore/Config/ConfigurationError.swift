/// A problem in a configuration file, located as precisely as the source allows.
///
/// Printed as `backends.yaml:12:10: backends[2].url: must be an http(s) URL (fix: ...)`.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the file, when known.
    public var location: SourceLocation?
    /// The file, when the location is not known more precisely.
    public var file: String?
    /// Path of the offending key (`backends[2].url`), when there is one.
    public var keyPath: String?
    /// What is wrong.
    public var message: String
    /// How to fix it, when there is an obvious fix.
    public var fix: String?

    public init(location: SourceLocation, keyPath: String? = nil, message: String, fix: String? = nil) {
        self.location = location
        self.file = location.file
        self.keyPath = keyPath
        self.message = message
        self.fix = fix
    }

    public init(file: String?, keyPath: String? = nil, message: String, fix: String? = nil) {
        self.location = nil
        self.file = file
        self.keyPath = keyPath
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var text = ""
        if let location {
            text = "\(location): "
        } else if let file {
            text = "\(file): "
        }
        if let keyPath, !keyPath.isEmpty { text += "\(keyPath): " }
        text += message
        if let fix { text += " (fix: \(fix))" }
        return text
    }
}

/// Every problem found in one configuration file; thrown so that all are reported at once.
public struct ConfigurationErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigurationError]

    public init(_ errors: [ConfigurationError]) { self.errors = errors }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
