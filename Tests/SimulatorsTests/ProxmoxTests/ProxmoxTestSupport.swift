import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ProxmoxSimulator
import SimulatorSupport
import Testing

/// Runs `body` against a freshly seeded cluster, in-process (no sockets),
/// on a manual clock that only the test moves (`admin.clock`, or the
/// `waitFor…` helpers, which advance it by whole task delays).
func withProxmox<Value: Sendable>(
    configure: (inout SimulatedProxmoxOptions) -> Void = { _ in },
    _ body: @Sendable (any TestClientProtocol, SimulatedProxmoxAdmin) async throws -> Value
) async throws -> Value {
    var options = SimulatedProxmoxOptions(name: "pve-test")
    options.vmCount = 6
    options.taskDelay = .milliseconds(50)
    options.guestAgentDelay = .milliseconds(50)
    // A whole second, so ticket ages (counted in whole seconds) are exact.
    options.clock = .manual(startingAt: Date(timeIntervalSince1970: 1_700_000_000))
    configure(&options)
    let admin = SimulatedProxmoxAdmin(options)
    let app = Application(router: ProxmoxSimulatorApplication.buildRouter(admin))
    let time = ProxmoxTestTime(clock: admin.clock, step: options.taskDelay)
    return try await ProxmoxTestTime.$current.withValue(time) {
        try await app.test(.router) { client in try await body(client, admin) }
    }
}

/// The manual clock of the cluster the current test runs against, and the
/// step (one task delay) the `waitFor…` helpers move it by.
struct ProxmoxTestTime: Sendable {
    var clock: SimulatedClock
    var step: Duration

    @TaskLocal static var current: ProxmoxTestTime?

    /// Moves simulated time on by whole steps, reading after each, until
    /// `done` holds (at most `limit` steps, so a condition that never holds
    /// fails instead of hanging). No real time passes.
    static func advance(until done: () async throws -> Bool, limit: Int = 100) async throws -> Bool {
        if try await done() { return true }
        guard let time = current else { return false }
        for _ in 0..<limit {
            time.clock.advance(by: time.step)
            if try await done() { return true }
        }
        return false
    }
}

/// A logged-in session: the ticket cookie and the CSRF token for writes.
struct PVESession: Sendable {
    var ticket: String
    var csrfToken: String

    /// Authentication by API token instead of a ticket.
    static let token = PVESession(ticket: "", csrfToken: "")
}

/// A decoded answer.
struct PVEAnswer: Sendable {
    var status: HTTPResponse.Status
    var body: String

    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    /// The `data` member.
    var data: Any? { object["data"] }
    var dataObject: [String: Any] { data as? [String: Any] ?? [:] }
    var dataArray: [[String: Any]] { data as? [[String: Any]] ?? [] }
    var errors: [String: String] { object["errors"] as? [String: String] ?? [:] }
}

extension TestClientProtocol {
    /// `POST /access/ticket` with the default account.
    func login(username: String = "root@pam", password: String = "admin") async throws -> PVESession {
        let answer = try await pve(.post, "/access/ticket", session: nil, form: ["username": username, "password": password])
        #expect(answer.status == .ok)
        let data = answer.dataObject
        return PVESession(
            ticket: try #require(data["ticket"] as? String),
            csrfToken: try #require(data["CSRFPreventionToken"] as? String)
        )
    }

    /// Calls `/api2/json` + `path`; a nil session sends no credentials,
    /// ``PVESession/token`` the default API token.
    func pve(
        _ method: HTTPRequest.Method,
        _ path: String,
        session: PVESession?,
        form: [String: String] = [:],
        json: String? = nil,
        csrf: Bool = true
    ) async throws -> PVEAnswer {
        var headers = HTTPFields()
        if let session {
            if session.ticket.isEmpty {
                let token = SimulatedProxmoxAPIToken.default
                headers[.authorization] = "PVEAPIToken=\(token.tokenID)=\(token.secret)"
            } else {
                headers[.cookie] = "PVEAuthCookie=\(formEscape(session.ticket))"
                if csrf, method != .get { headers[HTTPField.Name("CSRFPreventionToken")!] = session.csrfToken }
            }
        }
        var body: ByteBuffer?
        var uri = "/api2/json" + path
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        } else if !form.isEmpty {
            let encoded = form.keys.sorted().map { "\(formEscape($0))=\(formEscape(form[$0]!))" }.joined(separator: "&")
            if method == .get || method == .delete {
                uri += (uri.contains("?") ? "&" : "?") + encoded
            } else {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = ByteBuffer(string: encoded)
            }
        }
        let response = try await execute(uri: uri, method: method, headers: headers, body: body)
        return PVEAnswer(status: response.status, body: String(buffer: response.body))
    }

    /// Moves the cluster's clock on until a task has stopped, returning its status object.
    func waitForTask(_ upid: String, node: String, session: PVESession) async throws -> [String: Any] {
        let path = "/nodes/\(node)/tasks/\(formEscape(upid))/status"
        var status: [String: Any] = [:]
        let stopped = try await ProxmoxTestTime.advance {
            status = try await pve(.get, path, session: session).dataObject
            return status["status"] as? String == "stopped"
        }
        if !stopped { Issue.record("task \(upid) did not stop") }
        return status
    }

    /// Moves the cluster's clock on until `predicate` holds for `GET path`.
    func waitUntil(_ path: String, session: PVESession, _ predicate: (PVEAnswer) -> Bool) async throws -> PVEAnswer {
        var answer = PVEAnswer(status: .ok, body: "")
        let satisfied = try await ProxmoxTestTime.advance {
            answer = try await pve(.get, path, session: session)
            return predicate(answer)
        }
        #expect(satisfied, "GET \(path) never satisfied the condition: \(answer.body)")
        return answer
    }
}

/// Percent-encodes everything but unreserved characters (so `=` and `:` are escaped).
func formEscape(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

// Lookups as plain functions: a closure written inside `#expect`/`#require`
// can be miscompiled so that a later closure in the same test runs its body
// instead, so tests keep closures out of those macros.

/// The first entry whose `key` is the string `value`.
func entry(in entries: [[String: Any]], _ key: String, _ value: String) -> [String: Any]? {
    entries.first { ($0[key] as? String) == value }
}

/// The first entry whose `key` is the number `value`.
func entry(in entries: [[String: Any]], _ key: String, _ value: Int) -> [String: Any]? {
    entries.first { ($0[key] as? Int) == value }
}

/// The entries whose `key` is the string `value`.
func entries(in entries: [[String: Any]], _ key: String, _ value: String) -> [[String: Any]] {
    entries.filter { ($0[key] as? String) == value }
}

/// The string values of `key`, in order.
func strings(_ entries: [[String: Any]], _ key: String) -> [String] {
    entries.compactMap { $0[key] as? String }
}

/// The number values of `key`, in order.
func numbers(_ entries: [[String: Any]], _ key: String) -> [Int] {
    entries.compactMap { $0[key] as? Int }
}
