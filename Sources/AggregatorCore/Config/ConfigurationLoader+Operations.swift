/// The file's `operations:` section.
struct RawOperations: Decodable {
    var maxBulk: Int?
    var bulkCeiling: Int?
    var deleteRole: String?
    var shutdownTimeout: ConfigDuration?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxBulk = "max_bulk"
        case bulkCeiling = "bulk_ceiling"
        case deleteRole = "delete_role"
        case shutdownTimeout = "shutdown_timeout"
    }
}

extension ConfigurationLoader {
    /// Reads `operations:` into ``OperationSettings``.
    func parseOperations(_ raw: RawOperations?, root: YAMLNode) -> (OperationSettings, [ConfigurationError]) {
        var settings = OperationSettings()
        var errors: [ConfigurationError] = []
        guard let raw else { return (settings, errors) }
        func fail(_ key: String, _ message: String, fix: String) {
            let keys: [any CodingKey] = [AnyKey("operations"), AnyKey(key)]
            errors.append(ConfigurationError(location: YAMLDecoder.node(at: keys, in: root).location,
                                             keyPath: YAMLDecoder.keyPath(keys), message: message, fix: fix))
        }
        if let ceiling = raw.bulkCeiling {
            if (1 ... 100_000).contains(ceiling) {
                settings.bulkCeiling = ceiling
            } else {
                fail("bulk_ceiling", "must be between 1 and 100000, found \(ceiling)", fix: "use 500 (the default)")
            }
        }
        if let limit = raw.maxBulk {
            if (1 ... settings.bulkCeiling).contains(limit) {
                settings.maxBulk = limit
            } else {
                fail("max_bulk", "must be between 1 and bulk_ceiling (\(settings.bulkCeiling)), found \(limit)",
                     fix: "use 50 (the default), or raise bulk_ceiling")
            }
        }
        if let name = raw.deleteRole {
            if let role = Role(name: name), role >= .operator {
                settings.deleteRole = role
            } else {
                fail("delete_role", "must be operator or admin, found '\(name)'",
                     fix: "admin (the default) keeps deletes to administrators; operator lets operators delete")
            }
        }
        if let timeout = raw.shutdownTimeout?.duration {
            if timeout >= .seconds(10), timeout <= .seconds(3600) {
                settings.shutdownTimeout = timeout
            } else {
                fail("shutdown_timeout", "must be between 10s and 1h, found \(timeout)", fix: "use 5m (the default)")
            }
        }
        return (settings, errors)
    }
}
