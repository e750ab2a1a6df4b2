import AggregatorCore
import Foundation
import Logging
import PostgresJobStore
import PostgresNIO
import SQLiteJobStore
import Testing

/// A fresh database per test on the PostgreSQL server that `VMAGG_TEST_DATABASE_URL` names
/// (`scripts/test.sh` starts one with `scripts/postgres-local.sh` and sets it; its role may create
/// databases).
enum TestDatabase {
    static let variable = "VMAGG_TEST_DATABASE_URL"

    /// The server, when the environment names one.
    static var server: DatabaseURL.Postgres? {
        guard let text = ProcessInfo.processInfo.environment[variable],
              case .postgresql(let server) = try? DatabaseURL.parse(text)
        else { return nil }
        return server
    }

    static var available: Bool { server != nil }

    static var logger: Logger {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// Creates an empty database and returns where it is.
    static func make() async throws -> DatabaseURL.Postgres {
        guard var server else { throw MissingServer() }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await withAdmin(server) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        server.database = name
        return server
    }

    /// Runs `body` with a client connected to `server`'s database.
    static func withAdmin<T: Sendable>(_ server: DatabaseURL.Postgres,
                                       _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = PostgresClient(configuration: .init(
            host: server.host, port: server.port, username: server.username, password: server.password?.value,
            database: server.database, tls: .disable), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// A migrated store on a new database, running for the duration of `body`.
    static func withStore<T: Sendable>(on server: DatabaseURL.Postgres? = nil,
                                       _ body: @escaping @Sendable (PostgresJobStore) async throws -> T) async throws -> T {
        let location: DatabaseURL.Postgres = if let server { server } else { try await make() }
        let store = try PostgresJobStore(location, tls: .disable, logger: logger)
        try await store.migrate()
        return try await running(store, body)
    }

    /// Runs `store`'s service for the duration of `body`.
    static func running<T: Sendable>(_ store: PostgresJobStore,
                                     _ body: @escaping @Sendable (PostgresJobStore) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await store.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "set \(TestDatabase.variable) to a PostgreSQL server whose role may create databases (scripts/test.sh does)"
        }
    }
}

/// The stores every contract test runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgresql

    var testDescription: String { rawValue }

    /// A fresh store of this kind for the duration of `body`.
    func withStore<T: Sendable>(_ body: @escaping @Sendable (any JobArchive) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("jobs-\(UUID().uuidString)/jobs.sqlite").path
            return try await body(try SQLiteJobStore(path: path))
        case .postgresql:
            return try await TestDatabase.withStore { try await body($0) }
        }
    }
}

func makeJob(document: String = "6666", engine: String = "e15", target: String = "vm1",
             createdAt: Date = Date()) -> Job {
    Job(action: .createVM, engine: engine, kind: "ovirt", documentNum: document, target: target,
        idempotencyKey: "create_vm|\(document)|\(engine)|\(target)", createdAt: createdAt, itemIndex: 0,
        meta: RequestMeta(documentNum: document))
}
