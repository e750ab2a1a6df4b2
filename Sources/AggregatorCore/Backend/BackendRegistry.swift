import Logging

/// Everything a backend factory gets besides its configuration.
public struct BackendContext: Sendable {
    /// Logger for the backend, already carrying `backend.name` metadata.
    public var logger: Logger

    public init(logger: Logger) { self.logger = logger }
}

/// Maps backend kinds (`type:` in YAML) to factories. Kinds are plugins: the executable
/// registers one line per kind, and nothing else in the server or fan-out changes.
///
/// ```swift
/// var registry = BackendRegistry()
/// registry.register("ovirt") { config, context in try OvirtBackend(configuration: config, logger: context.logger) }
/// ```
public struct BackendRegistry: Sendable {
    /// Builds a backend from its validated configuration.
    public typealias Factory = @Sendable (BackendConfiguration, BackendContext) throws -> any VirtualizationBackend

    private var factories: [BackendKind: Factory] = [:]

    public init() {}

    /// Registers `factory` for `kind`, replacing any earlier one.
    public mutating func register(_ kind: BackendKind, factory: @escaping Factory) {
        factories[kind] = factory
    }

    /// Registered kinds, sorted by name.
    public var kinds: [BackendKind] { factories.keys.sorted { $0.rawValue < $1.rawValue } }

    /// Builds one backend per configured engine, in configuration order.
    /// - Throws: ``ConfigurationErrors`` for kinds without a factory or factories that reject their settings.
    public func makeBackends(for configuration: AggregatorConfiguration, logger: Logger) throws
        -> [any VirtualizationBackend]
    {
        var backends: [any VirtualizationBackend] = []
        var errors: [ConfigurationError] = []
        for (index, entry) in configuration.backends.enumerated() {
            guard let factory = factories[entry.kind] else {
                let known = kinds.map(\.rawValue).joined(separator: ", ")
                errors.append(locatedError(entry, index, configuration,
                                           "unknown backend type '\(entry.kind)'", fix: "use one of: \(known)"))
                continue
            }
            var backendLogger = logger
            backendLogger[metadataKey: "backend.name"] = "\(entry.name)"
            do {
                backends.append(try factory(entry, BackendContext(logger: backendLogger)))
            } catch let error as ConfigurationError {
                errors.append(error)
            } catch let error as ConfigurationErrors {
                errors.append(contentsOf: error.errors)
            } catch {
                errors.append(locatedError(entry, index, configuration, "\(error)", fix: nil))
            }
        }
        if !errors.isEmpty { throw ConfigurationErrors(errors) }
        return backends
    }

    private func locatedError(_ entry: BackendConfiguration, _ index: Int, _ configuration: AggregatorConfiguration,
                              _ message: String, fix: String?) -> ConfigurationError {
        if let location = entry.location {
            return ConfigurationError(location: location, keyPath: "backends[\(index)]", message: message, fix: fix)
        }
        return ConfigurationError(file: configuration.file, keyPath: "backends[\(index)]", message: message, fix: fix)
    }
}
