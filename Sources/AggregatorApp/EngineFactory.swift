import AggregatorCore
import Logging

/// Builds the configured engines' backends, through the kinds a ``BackendRegistry`` knows.
public enum EngineFactory {
    /// The engines of `configuration` (secrets resolved), each with its timeout, tags and refresh
    /// settings, and the live model over them.
    /// - Throws: ``ConfigurationFailure`` with every engine the registry cannot build.
    public static func make(_ configuration: AggregatorConfiguration, registry: BackendRegistry,
                            logger: Logger) throws -> EngineSet {
        let backends: [any VirtualizationBackend]
        do {
            backends = try registry.makeBackends(for: configuration, logger: logger)
        } catch let error as ConfigurationErrors {
            throw ConfigurationFailure(lines: error.errors.map(\.description))
        }
        let registered = zip(backends, configuration.backends).map { backend, entry in
            RegisteredBackend(backend: backend, timeout: entry.requestTimeout, url: entry.url, tags: entry.tags,
                              refresh: entry.refresh)
        }
        return EngineSet(backends: registered, logger: logger)
    }

    /// Logs out of every engine, concurrently.
    public static func shutdown(_ inventory: EngineSet) async {
        await withTaskGroup(of: Void.self) { group in
            for entry in inventory.backends {
                group.addTask { await entry.backend.shutdown() }
            }
        }
    }
}
