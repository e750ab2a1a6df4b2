/// The job database was migrated by a newer version of the aggregator: it is not opened, so it
/// is not damaged.
public struct NewerDatabaseError: Error, Sendable, CustomStringConvertible {
    /// The SQLite file, or the PostgreSQL database (without its password).
    public var database: String
    /// Schema steps in the database that this version does not know.
    public var unknownMigrations: [String]

    public init(database: String, unknownMigrations: [String]) {
        self.database = database
        self.unknownMigrations = unknownMigrations
    }

    public var description: String {
        "\(database) was migrated by a newer version (schema steps \(unknownMigrations.joined(separator: ", ")) are unknown "
            + "to this one); run the newer version, or restore the backup made before the upgrade"
    }
}
