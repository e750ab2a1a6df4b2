import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SQLiteJobStore
import Testing

@testable import Server

/// One `e15-test` test backend, a job runner on a fresh SQLite file (which keeps the audit
/// trail), and a token per role.
struct AuthHarness: Sendable {
    static let tokens: [Role: String] = [
        .reader: "vma_reader-token-for-tests-only-000000000000",
        .operator: "vma_operator-token-for-tests-only-0000000000",
        .admin: "vma_admin-token-for-tests-only-00000000000000",
    ]

    static var configuredTokens: [APIToken] {
        Role.all.map { APIToken(name: "\($0)-token", role: $0, digest: TokenDigest.of(token: tokens[$0]!)) }
    }

    var store: SQLiteJobStore
    var runner: JobRunner
    var inventory: Inventory

    func application(_ access: AccessControl) -> some ApplicationProtocol {
        Application(router: AggregatorServer.buildRouter(inventory: inventory, jobs: runner, access: access))
    }

    /// Runs `body` with the runner running; removes the database afterwards.
    static func with(_ body: (AuthHarness) async throws -> Void) async throws {
        let inventory = Inventory(backends: [RegisteredBackend(backend: FixedBackend(name: "e15-test"), timeout: .seconds(5))],
                                  logger: Logger(label: "test"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
        let runner = JobRunner(store: store, inventory: inventory, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runner.run() }
            defer { group.cancelAll() }
            try await body(AuthHarness(store: store, runner: runner, inventory: inventory))
        }
    }

    static func example(_ name: String) throws -> String {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../examples").standardized
        return try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    static func text(_ buffer: ByteBuffer) -> String {
        String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    static func bearer(_ token: String?) -> HTTPFields {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return headers
    }
}
