/// Configuration problems found while building the application, one per line; the command line
/// prints them and exits with status 78 (EX_CONFIG).
public struct ConfigurationFailure: Error, CustomStringConvertible {
    /// The problems, each naming the setting (and the file and line where there is one) and the fix.
    public var lines: [String]

    public init(lines: [String]) { self.lines = lines }

    public var description: String { lines.joined(separator: "\n") }
}
