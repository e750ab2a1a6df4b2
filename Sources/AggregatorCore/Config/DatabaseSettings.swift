/// The job database (`database:`) and how jobs are held among replicas (`jobs:`).
///
/// ```yaml
/// database:
///   url: postgresql://vmagg@db.example:5432/vmagg   # default: sqlite:<data_dir>/jobs.sqlite
///   password_env: VMAGG_DB_PASSWORD                  # or password_file
///   tls: require                                     # disable | prefer (default) | require
///   ca_file: certs/db-ca.pem
/// jobs:
///   lease: 30s
/// ```
public struct DatabaseSettings: Sendable, Hashable {
    /// How the connection to PostgreSQL is protected.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate unless `ca_file` is given
        /// (libpq's `prefer`).
        case prefer
        /// TLS or no connection, the certificate checked against `ca_file` or the system's
        /// authorities and the host name (libpq's `verify-full`).
        case require
    }

    /// Nil: the SQLite file in the data directory.
    public var url: DatabaseURL?
    /// Where the PostgreSQL password comes from, when it is not in the URL.
    public var passwordSource: SecretSource?
    public var tls: TLSMode = .prefer
    /// Authorities that sign the server's certificate.
    public var caFile: String?
    /// How long a replica holds a job without renewing its lease (`jobs.lease`). Defaults to 30 seconds.
    public var lease: Duration = .seconds(30)
    /// This process's name among replicas (`server.replica_name`); nil takes host name and pid.
    public var replicaName: String?

    public init() {}

    /// The database for `dataDirectory`: the configured URL, or the SQLite file there.
    public func location(dataDirectory: String) -> DatabaseURL {
        url ?? .sqlite(path: "\(dataDirectory)/jobs.sqlite")
    }
}
