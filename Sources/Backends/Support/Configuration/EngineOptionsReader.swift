import AggregatorCore

/// Reads a kind's `options:` mapping from an engine's configuration entry, with errors that name
/// the file, line and key.
///
/// The kind says which keys it knows and what each one holds; the reader walks the mapping,
/// parses durations and counts, and words every problem the same way for every kind.
///
/// ```swift
/// let reader = EngineOptionsReader(engine: "pve-lab", kindPhrase: "a proxmox engine",
///                                  keys: ["task_timeout", "agent_concurrency"])
/// try reader.read(configuration.options) { option in
///     switch option.key {
///     case "task_timeout": taskTimeout = try option.duration()
///     case "agent_concurrency": agentConcurrency = try option.count(0...64)
///     default: throw option.unknown()
///     }
/// }
/// ```
public struct EngineOptionsReader: Sendable {
    /// One `key: value` pair of the mapping.
    public struct Option {
        /// The key as written: `task_timeout`.
        public let key: String
        /// The value's node (for its location).
        public let value: YAMLNode
        let keyNode: YAMLNode
        let reader: EngineOptionsReader

        /// The value as a positive duration (`2s`, `500ms`, `10m`).
        /// - Throws: ``ConfigurationError`` at the value when it is not one.
        public func duration() throws -> Duration {
            guard let text = value.scalar, let parsed = ConfigDuration.parse(text) else {
                throw ConfigurationError(location: value.location, keyPath: "options.\(key)",
                                         message: reader.prefix + "must be a positive duration such as 2s, 500ms or 10m",
                                         fix: "write e.g. \(key): 2s")
            }
            return parsed
        }

        /// The value as a whole number within `range`.
        /// - Throws: ``ConfigurationError`` at the value when it is not one.
        public func count(_ range: ClosedRange<Int>) throws -> Int {
            guard let text = value.scalar, let number = Int(text), range.contains(number) else {
                throw ConfigurationError(location: value.location, keyPath: "options.\(key)",
                                         message: reader.prefix + "must be a whole number from "
                                             + "\(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }

        /// The error for a key the kind does not know, listing the ones it does.
        public func unknown() -> ConfigurationError {
            ConfigurationError(location: keyNode.location, keyPath: "options.\(key)",
                               message: reader.prefix + "unknown option '\(key)' for \(reader.kindPhrase)",
                               fix: "use " + EngineOptionsReader.list(reader.keys))
        }
    }

    /// The engine's name from the configuration.
    public var engine: String
    /// The kind as messages name it: `an ovirt engine`.
    public var kindPhrase: String
    /// Every key the kind knows, in the order the fix lists them.
    public var keys: [String]
    /// Whether messages about one value start with `engine 'NAME': ` (the mapping's own errors
    /// always do).
    public var namesEngineInValueErrors: Bool

    /// - Parameters:
    ///   - engine: The engine's name.
    ///   - kindPhrase: The kind as messages name it: `an ovirt engine`.
    ///   - keys: Every key the kind knows.
    ///   - namesEngineInValueErrors: Whether value errors start with `engine 'NAME': `. Defaults to true.
    public init(engine: String, kindPhrase: String, keys: [String], namesEngineInValueErrors: Bool = true) {
        self.engine = engine
        self.kindPhrase = kindPhrase
        self.keys = keys
        self.namesEngineInValueErrors = namesEngineInValueErrors
    }

    var prefix: String { namesEngineInValueErrors ? "engine '\(engine)': " : "" }

    /// Calls `read` for each pair of the `options:` mapping, in order; nil or null reads nothing.
    /// - Throws: ``ConfigurationError`` when `options` is not a mapping, or what `read` throws.
    public func read(_ options: YAMLNode?, _ read: (Option) throws -> Void) throws {
        guard let options, !options.isNull else { return }
        guard case .mapping(let pairs) = options.content else {
            throw ConfigurationError(location: options.location, keyPath: "options",
                                     message: "engine '\(engine)': options must be a mapping")
        }
        for pair in pairs {
            try read(Option(key: pair.key.scalar ?? "", value: pair.value, keyNode: pair.key, reader: self))
        }
    }

    /// `a, b or c`.
    static func list(_ names: [String]) -> String {
        guard let last = names.last, names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + last
    }
}
