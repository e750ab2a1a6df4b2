import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OvirtSimulator
import SimulatorSupport
import Testing

/// Runs `body` against a fresh engine (5 VMs, 2 hosts) in-process, with its
/// admin interface for changes "made elsewhere", on a manual clock only the
/// test moves (`admin.clock`, or the `waitFor…` helpers).
func withAdminEngine<Value: Sendable>(
    asyncDelay: Duration = .zero,
    _ body: @Sendable (SimulatedEngineAdmin, any TestClientProtocol) async throws -> Value
) async throws -> Value {
    var options = SimulatedEngineOptions(name: "e15-test")
    options.vmCount = 5
    options.hostCount = 2
    options.asyncDelay = asyncDelay
    options.clock = .manual()
    let admin = SimulatedEngineAdmin(options)
    let app = Application(router: OvirtSimulatorApplication.buildRouter(admin))
    return try await EngineTestTime.$current.withValue(EngineTestTime(clock: options.clock, step: asyncDelay)) {
        try await app.test(.router) { client in try await body(admin, client) }
    }
}

/// The manual clock of the engine the current test runs against, and the
/// step (one asynchronous delay) the `waitFor…` helpers move it by.
struct EngineTestTime: Sendable {
    var clock: SimulatedClock
    var step: Duration

    @TaskLocal static var current: EngineTestTime?

    /// Moves simulated time on by whole steps, reading after each, until
    /// `done` holds (at most `limit` steps, so a condition that never holds
    /// fails instead of hanging). No real time passes.
    static func advance(until done: () async throws -> Bool, limit: Int = 20) async throws -> Bool {
        if try await done() { return true }
        guard let time = current, time.step > .zero else { return false }
        for _ in 0..<limit {
            time.clock.advance(by: time.step)
            if try await done() { return true }
        }
        return false
    }
}

/// One audit log entry as `GET /events` answers it (JSON).
struct EventView: Sendable, Equatable {
    var index: Int
    var code: Int
    var severity: String
    var description: String
    var vm: String?
    var host: String?
    var cluster: String?
    var dataCenter: String?
    /// nil for events the engine's monitoring writes.
    var correlationID: String?
    /// Whether the event links a user (monitoring events do not).
    var hasUser: Bool

    init(_ object: [String: Any]) {
        index = Int(object["index"] as? String ?? "") ?? -1
        code = Int(object["code"] as? String ?? "") ?? -1
        severity = object["severity"] as? String ?? ""
        description = object["description"] as? String ?? ""
        vm = (object["vm"] as? [String: Any])?["id"] as? String
        host = (object["host"] as? [String: Any])?["id"] as? String
        cluster = (object["cluster"] as? [String: Any])?["id"] as? String
        dataCenter = (object["data_center"] as? [String: Any])?["id"] as? String
        correlationID = object["correlation_id"] as? String
        hasUser = object["user"] != nil
    }
}

extension TestClientProtocol {
    /// `GET /events[?from=N][&max=M]`, in the order the engine answers.
    func events(from: Int? = nil, max: Int? = nil, token: String) async throws -> [EventView] {
        var query: [String] = []
        if let from { query.append("from=\(from)") }
        if let max { query.append("max=\(max)") }
        let uri = "/ovirt-engine/api/events" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let collection = try await getJSON(uri, token: token)
        return (collection["event"] as? [[String: Any]] ?? []).map(EventView.init)
    }

    /// Moves the engine's clock on until `condition` holds for `GET /events?from=`, oldest first.
    func waitForEvents(from: Int, token: String, until condition: ([EventView]) -> Bool) async throws -> [EventView] {
        var events: [EventView] = []
        let reached = try await EngineTestTime.advance {
            events = try await self.events(from: from, token: token).sorted { $0.index < $1.index }
            return condition(events)
        }
        if !reached {
            Issue.record("events never reached the expected state; last seen: \(events.map { "\($0.index):\($0.code)" })")
        }
        return events
    }

    /// A JSON request to the admin interface (no authentication).
    func admin(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil) async throws -> TestResponse {
        try await execute(
            uri: uri,
            method: method,
            headers: [.contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) }
        )
    }
}

extension SimulatedEngineAdmin {
    /// The index events written from now on start above.
    var cursor: Int { nextEventIndex - 1 }
}
