import AggregatorCore
import Logging

/// Builds the backends and the inventory from a configuration with resolved secrets.
enum InventoryFactory {
    static func make(_ configuration: AggregatorConfiguration, logger: Logger) throws -> Inventory {
        let backends: [any VirtualizationBackend]
        do {
            backends = try BackendKinds.registry().makeBackends(for: configuration, logger: logger)
        } catch let error as ConfigurationErrors {
            throw ConfigurationFailure(lines: error.errors.map(\.description))
        }
        let registered = zip(backends, configuration.backends).map { backend, entry in
            RegisteredBackend(backend: backend, timeout: entry.requestTimeout, url: entry.url, tags: entry.tags,
                              refresh: entry.refresh)
        }
        return Inventory(backends: registered, cacheTTL: configuration.server.cacheTTL, logger: logger)
    }

    static func shutdown(_ inventory: Inventory) async {
        await withTaskGroup(of: Void.self) { group in
            for entry in inventory.backends {
                group.addTask { await entry.backend.shutdown() }
            }
        }
    }
}
