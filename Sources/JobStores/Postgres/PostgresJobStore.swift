import AggregatorCore
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Jobs, idempotency keys and the audit trail in a PostgreSQL database that several replicas
/// share (postgres-nio's pooled client).
///
/// Each job is one row: indexed columns for lookups and filters, the lease (`lease_owner`,
/// `lease_until`, on the database's clock), and the whole job as JSON. At most one queued, running
/// or succeeded job per idempotency key is a partial unique index. Every write to a job announces
/// its id on the channel `vmagg_jobs` in the same statement, so every replica's `?wait=` wakes.
///
/// Run it as a service (``run()``) for as long as it is used: the pool and the channel's
/// listener live there. Every operation is bounded by ``operationTimeout``; one the database does
/// not answer throws ``JobStoreUnavailable``.
public final class PostgresJobStore: LeasedJobStore, JobArchive, Service {
    let client: PostgresClient
    /// One connection's configuration: migrations run on a connection of their own, whose errors
    /// (a refused password, a certificate that fails) are the server's own words.
    let connectionConfiguration: PostgresConnection.Configuration
    let logger: Logger
    /// The database, for messages (never with its password).
    public let name: String
    /// The longest an operation may take before it is reported unavailable.
    public let operationTimeout: Duration
    private let reachable = Mutex(true)
    let subscribers = Mutex<[Int: AsyncStream<String?>.Continuation]>([:])
    let nextSubscriber = Mutex(0)

    /// The channel every job write is announced on.
    static let channel = "vmagg_jobs"
    /// The advisory lock held while the schema is migrated ("vmagg" in ASCII).
    static let migrationLock: Int64 = 0x76_6d_61_67_67

    /// - Parameters:
    ///   - server: Where the database is and who connects.
    ///   - tls: How the connection is protected; `caFile` names the authorities to trust.
    ///   - operationTimeout: Bound of every operation.
    /// - Throws: When `caFile` cannot be read.
    public init(_ server: DatabaseURL.Postgres, tls: DatabaseSettings.TLSMode = .prefer, caFile: String? = nil,
                operationTimeout: Duration = .seconds(5), logger: Logger) throws {
        let context = try Self.tlsContext(tls, caFile: caFile)
        var configuration = PostgresClient.Configuration(
            host: server.host, port: server.port, username: server.username, password: server.password?.value,
            database: server.database, tls: Self.tls(tls, context))
        connectionConfiguration = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.username, password: server.password?.value,
            database: server.database,
            tls: try Self.connectionTLS(tls, context))
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 16
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(15))
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.operationTimeout = operationTimeout
        name = DatabaseURL.postgresql(server).description
    }

    /// The TLS settings for `mode`: `prefer` without a CA encrypts without checking the certificate
    /// (libpq's `prefer`); with a CA, and always for `require`, the certificate and host name are checked.
    private static func tlsContext(_ mode: DatabaseSettings.TLSMode, caFile: String?) throws -> TLSConfiguration {
        var context = TLSConfiguration.makeClientConfiguration()
        if let caFile { context.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile)) }
        if mode == .prefer, caFile == nil { context.certificateVerification = .none }
        return context
    }

    private static func tls(_ mode: DatabaseSettings.TLSMode, _ context: TLSConfiguration) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(context)
        case .require: .require(context)
        }
    }

    private static func connectionTLS(_ mode: DatabaseSettings.TLSMode, _ context: TLSConfiguration) throws
        -> PostgresConnection.Configuration.TLS
    {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: context))
        case .require: .require(try NIOSSLContext(configuration: context))
        }
    }

    /// Runs the connection pool and the listener of job announcements until cancelled or a
    /// graceful shutdown (the application stops it last).
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.client.run() }
                group.addTask { await self.listenForChanges() }
            }
        }
        finishSubscribers()
    }

    public var health: JobStoreHealth {
        JobStoreHealth(kind: "postgresql", reachable: reachable.withLock { $0 })
    }

    /// Runs `body` against the database within ``operationTimeout``.
    /// - Throws: ``JobStoreUnavailable`` when the database cannot be reached or does not answer in
    ///   time; a query the database refuses (a bug, not an outage) as it is.
    func access<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (PostgresClient) async throws -> T)
        async throws -> T
    {
        let client = self.client
        // While the database is known to be down, fail fast rather than hold every request.
        let timeout = health.reachable ? operationTimeout : min(operationTimeout, .seconds(1))
        do {
            let value = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body(client) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw JobStoreUnavailable(operation: operation, reason: "no answer within \(timeout)")
                }
                return value
            }
            markReachable(true)
            return value
        } catch let error as JobStoreUnavailable {
            markReachable(false)
            throw error
        } catch let error as PSQLError where error.code == .server {
            markReachable(true)
            throw PostgresQueryError(operation: operation, message: error.serverInfo?[.message] ?? "\(error.code)",
                                     sqlState: error.serverInfo?[.sqlState])
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            markReachable(false)
            throw JobStoreUnavailable(operation: operation, reason: Self.reason(error))
        }
    }

    private func markReachable(_ value: Bool) {
        let changed = reachable.withLock { state in
            defer { state = value }
            return state != value
        }
        if changed {
            if value {
                logger.notice("Job database reachable again", metadata: ["database": "\(name)"])
            } else {
                logger.error("Job database unreachable", metadata: ["database": "\(name)"])
            }
        }
    }

    /// What went wrong, in words that carry no secret: the server's message and SQLSTATE, or the
    /// connection's error.
    public static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if error.code == .server, let info = error.serverInfo {
                var text = info[.message] ?? "the server refused"
                if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
                return text
            }
            var text = "\(error.code)"
            if let underlying = error.underlying { text += ": \(underlying)" }
            return text
        }
        if let error = error as? PostgresTransactionError {
            return reason(error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError ?? error)
        }
        return "\(error)"
    }

    /// Whether an error reaching the database is worth waiting out: the server is down, unreachable
    /// or starting (`57P03`), not refusing this user, its password or its certificate.
    public static func isTransient(_ error: any Error) -> Bool {
        if error is JobStoreUnavailable { return true }
        if let error = error as? PostgresTransactionError {
            return isTransient(error.closureError ?? error.beginError ?? error.commitError ?? error)
        }
        guard let error = error as? PSQLError else { return false }
        if error.code == .server { return error.serverInfo?[.sqlState] == "57P03" }
        return [.connectionError, .serverClosedConnection, .uncleanShutdown].contains(error.code)
    }
}

/// The database refused a query: a bug or a schema this version does not expect, not an outage.
public struct PostgresQueryError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var message: String
    public var sqlState: String?

    public var description: String {
        "the job database refused \(operation): \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }
}
