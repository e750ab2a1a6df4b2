import Logging

/// Everything a backend factory gets besides its configuration.
public struct BackendContext: Sendable {
    /// Logger for the backend, already carrying `backend.name` metadata.
    public var logger: Logger

    public init(logger: Logger) { self.logger = logger }
}

/// Maps backend kinds (`type:` in YAML) to what the rest of the program needs of a kind: its
/// factory, its default user and how to fetch its engines' CA certificate. Kinds are plugins:
/// each registers itself with one call, and nothing in the server or fan-out changes.
///
/// ```swift
/// var registry = BackendRegistry()
/// registry.register("ovirt", defaultUsername: "admin@internal") { config, context in
///     try OvirtBackend(configuration: config, logger: context.logger)
/// }
/// ```
public struct BackendRegistry: Sendable {
    /// Builds a backend from its validated configuration.
    public typealias Factory = @Sendable (BackendConfiguration, BackendContext) throws -> any VirtualizationBackend
    /// Fetches an engine's CA certificate (PEM) without verifying TLS, for `aggregator trust`.
    public typealias CAFetcher = @Sendable (BackendConfiguration) async throws -> String

    /// One registered kind.
    public struct Registration: Sendable {
        public var kind: BackendKind
        /// The user an engine of this kind is logged in as when its entry names none.
        public var defaultUsername: String?
        public var fetchCACertificate: CAFetcher?
        public var factory: Factory
    }

    private var registrations: [BackendKind: Registration] = [:]

    public init() {}

    /// Registers `kind`, replacing any earlier registration of it.
    /// - Parameters:
    ///   - defaultUsername: Filled into entries of this kind without `username`.
    ///   - fetchCACertificate: How `aggregator trust` fetches the CA of an engine of this kind; nil
    ///     when the kind has no way to.
    public mutating func register(_ kind: BackendKind, defaultUsername: String? = nil,
                                  fetchCACertificate: CAFetcher? = nil, factory: @escaping Factory) {
        registrations[kind] = Registration(kind: kind, defaultUsername: defaultUsername,
                                           fetchCACertificate: fetchCACertificate, factory: factory)
    }

    /// Registered kinds, sorted by name.
    public var kinds: [BackendKind] { registrations.keys.sorted { $0.rawValue < $1.rawValue } }

    /// The registration of `kind`, if any.
    public func registration(for kind: BackendKind) -> Registration? { registrations[kind] }

    /// Default users by kind, for ``ConfigurationLoader``.
    public var defaultUsernames: [BackendKind: String] {
        registrations.compactMapValues(\.defaultUsername)
    }

    /// Builds one backend per configured engine, in configuration order.
    /// - Throws: ``ConfigurationErrors`` for kinds without a factory or factories that reject their settings.
    public func makeBackends(for configuration: AggregatorConfiguration, logger: Logger) throws
        -> [any VirtualizationBackend]
    {
        var backends: [any VirtualizationBackend] = []
        var errors: [ConfigurationError] = []
        for (index, entry) in configuration.backends.enumerated() {
            guard let registration = registrations[entry.kind] else {
                let known = kinds.map(\.rawValue).joined(separator: ", ")
                errors.append(locatedError(entry, index, configuration,
                                           "unknown backend type '\(entry.kind)'", fix: "use one of: \(known)"))
                continue
            }
            var backendLogger = logger
            backendLogger[metadataKey: "backend.name"] = "\(entry.name)"
            var entry = entry
            if entry.username == nil { entry.username = registration.defaultUsername }
            do {
                backends.append(try registration.factory(entry, BackendContext(logger: backendLogger)))
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
