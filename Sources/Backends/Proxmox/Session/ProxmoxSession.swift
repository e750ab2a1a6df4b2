import AggregatorCore
import BackendSupport
import EngineHTTP
import Foundation
import Logging

/// One call to the Proxmox VE API, relative to the API base URL.
struct ProxmoxRequest: Sendable {
    var method: String
    /// Path relative to the API URL: `version`, `nodes/pve1/qemu/100/config`.
    var path: String
    var query: [(name: String, value: String)]
    /// Form fields of a write (`application/x-www-form-urlencoded`), nil for none.
    var form: [(name: String, value: String)]?
    /// Overrides the request timeout for this call (guest agent calls use a short one).
    var timeout: Duration?

    init(method: String = "GET", path: String, query: [(name: String, value: String)] = [],
         form: [(name: String, value: String)]? = nil, timeout: Duration? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.form = form
        self.timeout = timeout
    }
}

/// Every answer of the API: `{"data": …}`.
struct ProxmoxEnvelope<T: Decodable>: Decodable {
    var data: T?
}

/// An authenticated conversation with one Proxmox VE API: an API token on every request, or a
/// shared ticket (`PVEAuthCookie`, plus `CSRFPreventionToken` on writes) renewed before it
/// expires, one re-login and retry on 401, and error mapping.
///
/// Safe to use from many tasks at once.
final class ProxmoxSession: Sendable {
    let engine: String
    let endpoints: ProxmoxEndpoints
    let credentials: ProxmoxCredentials
    let client: HTTPClient
    let errors: ProxmoxErrorMapping
    let logger: Logger
    /// The ticket every request shares; refused logins back off (see ``SharedLogin``).
    let tickets = SharedLogin<ProxmoxTicket>()
    /// A ticket older than this is replaced before use (Proxmox tickets expire after two hours).
    let ticketRenewal: Duration

    init(engine: String, endpoints: ProxmoxEndpoints, credentials: ProxmoxCredentials, client: HTTPClient,
         errors: ProxmoxErrorMapping, logger: Logger, ticketRenewal: Duration = .seconds(3600)) {
        self.engine = engine
        self.endpoints = endpoints
        self.credentials = credentials
        self.client = client
        self.errors = errors
        self.logger = logger
        self.ticketRenewal = ticketRenewal
    }

    // MARK: - API calls

    /// Sends `request` authenticated and returns the 2xx response.
    ///
    /// With a ticket, a 401 (expired or revoked ticket) causes one fresh login and one retry.
    /// - Throws: ``BackendError`` for every failure, or `CancellationError`.
    func send(_ request: ProxmoxRequest) async throws -> HTTPResponse {
        var response: HTTPResponse
        switch credentials {
        case .apiToken(let tokenID, let secret):
            response = try await execute(request, auth: [("Authorization", "PVEAPIToken=\(tokenID)=\(secret.value)")])
        case .password:
            response = try await tickets.send(renewAfter: ticketRenewal, login: { [self] in try await self.login() },
                                              onRejected: {
                logger.debug("Engine rejected the ticket, logging in again", metadata: [
                    "backend.name": "\(engine)", "http.path": "\(endpoints.displayPath(request.path))",
                ])
            }) { ticket in
                try await execute(request, auth: headers(for: ticket, method: request.method))
            }
        }
        guard (200..<300).contains(response.status) else {
            throw errors.status(response, request: describe(request))
        }
        return response
    }

    /// `GET path?query`, the answer's `data` decoded as `T`; `expected` names it in error messages.
    func get<T: Decodable>(_ type: T.Type, path: String, query: [(name: String, value: String)] = [],
                           expected: String, timeout: Duration? = nil) async throws -> T {
        let request = ProxmoxRequest(path: path, query: query, timeout: timeout)
        let response = try await send(request)
        let envelope = try decode(ProxmoxEnvelope<T>.self, from: response.body, expected: expected, request: request)
        guard let data = envelope.data else {
            throw errors.invalid(response.body, expected: expected, request: describe(request))
        }
        return data
    }

    /// `method path` with `form`; returns the answer's `data` when it is a string (a task id,
    /// `UPID:…`), nil when it is null (a synchronous call that finished).
    @discardableResult
    func write(_ method: String, path: String, form: [(name: String, value: String)]) async throws -> String? {
        let request = ProxmoxRequest(method: method, path: path, form: form)
        let response = try await send(request)
        if let envelope = try? JSONDecoder().decode(ProxmoxEnvelope<String>.self, from: Data(response.body)) {
            return envelope.data
        }
        return nil
    }

    func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], expected: String,
                              request: ProxmoxRequest) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw errors.invalid(body, expected: expected, request: describe(request), error: error)
        }
    }

    /// `GET /api2/json/cluster/resources`, for messages.
    func describe(_ request: ProxmoxRequest) -> String {
        "\(request.method) \(endpoints.displayPath(request.path))"
    }

    private func headers(for ticket: ProxmoxTicket, method: String) -> [(name: String, value: String)] {
        var headers = [(name: "Cookie", value: "PVEAuthCookie=\(ticket.ticket)")]
        // Only writes need the CSRF token; reads do not carry it (as the web UI and proxmoxer do).
        if method != "GET" && method != "HEAD" { headers.append((name: "CSRFPreventionToken", value: ticket.csrfToken)) }
        return headers
    }

    private func execute(_ request: ProxmoxRequest, auth: [(name: String, value: String)]) async throws -> HTTPResponse {
        var headers = auth
        headers.append(("Accept", "application/json"))
        var body: [UInt8]?
        if let form = request.form {
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = FormEncoding.body(form)
        }
        let http = HTTPRequest(method: request.method, url: endpoints.url(path: request.path, query: request.query),
                               headers: headers, body: body, timeout: request.timeout)
        return try await perform(http)
    }

    private func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await client.execute(request, errors: errors.shared)
    }

    // MARK: - Tickets

    private struct TicketAnswer: Decodable {
        var ticket: String?
        var CSRFPreventionToken: String?
        var NeedTFA: ProxmoxBool?
    }

    /// Logs in with `POST /access/ticket` and returns the ticket and CSRF token.
    ///
    /// - Throws: ``BackendError/Code-swift.struct/unauthorized`` with the engine's reason when it
    ///   rejects the credentials or asks for a second factor.
    func login() async throws -> ProxmoxTicket {
        guard case .password(let username, let password) = credentials else {
            throw BackendError(.unauthorized, engine: engine, message: "an API token does not log in")
        }
        let request = HTTPRequest(method: "POST", url: endpoints.url(path: "access/ticket"), headers: [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ], body: FormEncoding.body([("username", username), ("password", password.value)]))
        let response = try await perform(request)
        let target = "POST \(endpoints.displayPath("access/ticket"))"
        guard (200..<300).contains(response.status) else {
            var error = errors.status(response, request: target)
            if response.status == 401 || response.status == 403 { error.code = .unauthorized }
            let text = ProxmoxErrorMapping.engineText(response).map { ": \($0)" } ?? ""
            error.message = "login as \(username) failed (HTTP \(response.status))\(text)"
            logger.debug("Engine login failed", metadata: [
                "backend.name": "\(engine)", "user": "\(username)", "http.status": "\(response.status)",
            ])
            throw error
        }
        let answer = try? JSONDecoder().decode(ProxmoxEnvelope<TicketAnswer>.self, from: Data(response.body)).data
        if answer?.NeedTFA?.value == true {
            throw BackendError(.unauthorized, engine: engine,
                               message: "login as \(username) needs a second factor (TFA); use an API token instead")
        }
        guard let ticket = answer?.ticket, !ticket.isEmpty, let csrf = answer?.CSRFPreventionToken else {
            // Never quote a body that might carry a ticket.
            throw errors.invalid([], expected: "a JSON ticket answer with ticket and CSRFPreventionToken",
                                 request: target)
        }
        logger.debug("Logged in to engine", metadata: ["backend.name": "\(engine)", "user": "\(username)"])
        return ProxmoxTicket(ticket: ticket, csrfToken: csrf)
    }

    /// Forgets the ticket. Proxmox VE has no logout call: a ticket simply expires.
    func close() async {
        tickets.take()
    }
}
