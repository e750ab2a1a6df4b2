import AggregatorCore
import BackendSupport
import EngineHTTP
import Foundation
import Logging

/// An authenticated conversation with one engine: SSO login, a shared cached token, the
/// headers every API call needs, one re-login on 401, and error mapping.
///
/// Safe to use from many tasks at once; reads and (later) writes go through ``send(_:)``.
final class OvirtSession: Sendable {
    let engine: String
    let endpoints: OvirtEndpoints
    let username: String
    let client: HTTPClient
    let errors: OvirtErrorMapping
    let logger: Logger
    /// The SSO token every request shares; refused logins back off (see ``SharedLogin``).
    let tokens = SharedLogin<String>()
    /// Only ever sent in the SSO form body; `Secret` prints as `<redacted>`.
    private let password: Secret

    init(engine: String, endpoints: OvirtEndpoints, username: String, password: Secret,
         client: HTTPClient, errors: OvirtErrorMapping, logger: Logger) {
        self.engine = engine
        self.endpoints = endpoints
        self.username = username
        self.password = password
        self.client = client
        self.errors = errors
        self.logger = logger
    }

    // MARK: - API calls

    /// Sends `request` with the session's token and returns the 2xx response.
    ///
    /// If the engine answers 401 (an expired or revoked token), logs in again once and retries once.
    /// - Throws: ``BackendError`` for every failure, or `CancellationError`.
    func send(_ request: OvirtRequest) async throws -> HTTPResponse {
        let response = try await tokens.send(login: { [self] in try await self.login() }, onRejected: {
            logger.debug("Engine rejected the session token, logging in again", metadata: [
                "backend.name": "\(engine)", "http.path": "\(endpoints.displayPath(request.path))",
            ])
        }) { token in
            try await execute(request, token: token)
        }
        guard (200..<300).contains(response.status) else {
            throw errors.status(response, request: describe(request))
        }
        return response
    }

    /// `GET path?query`, decoded as `T`; `expected` names the document in error messages.
    func get<T: Decodable>(
        _ type: T.Type, path: String, query: [(name: String, value: String)] = [], expected: String,
        correlationID: String? = nil
    ) async throws -> T {
        let request = OvirtRequest(path: path, query: query, correlationID: correlationID)
        let response = try await send(request)
        return try decode(type, from: response.body, expected: expected, request: describe(request))
    }

    /// `GET path?query`, decoded by `decode` (one of the ``OvirtListingDecoder`` functions);
    /// `expected` names the document in error messages.
    func read<T>(
        path: String, query: [(name: String, value: String)] = [], expected: String,
        _ decode: ([UInt8]) throws -> T
    ) async throws -> T {
        let request = OvirtRequest(path: path, query: query)
        let response = try await send(request)
        do {
            return try decode(response.body)
        } catch {
            throw errors.invalid(response.body, expected: expected, request: describe(request), error: error)
        }
    }

    /// `method path` with a JSON body (when given), decoded as `T`.
    func write<T: Decodable>(
        _ type: T.Type, method: String, path: String, query: [(name: String, value: String)] = [],
        body: OvirtBody?, expected: String, correlationID: String?
    ) async throws -> T {
        let request = OvirtRequest(method: method, path: path, query: query, body: body?.serialized(),
                                   contentType: body == nil ? nil : "application/json",
                                   correlationID: correlationID)
        let response = try await send(request)
        // An action may answer with an empty body; read it as an empty object.
        let body = response.body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            ? Array("{}".utf8) : response.body
        return try decode(type, from: body, expected: expected, request: describe(request))
    }

    func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], expected: String, request: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw errors.invalid(body, expected: expected, request: request, error: error)
        }
    }

    /// `GET /ovirt-engine/api/vms`, for messages.
    func describe(_ request: OvirtRequest) -> String {
        "\(request.method) \(endpoints.displayPath(request.path))"
    }

    private func execute(_ request: OvirtRequest, token: String) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(token)"),
            ("Version", "4"),
            ("Accept", "application/json"),
        ]
        if let contentType = request.contentType { headers.append(("Content-Type", contentType)) }
        if let correlationID = request.correlationID { headers.append(("Correlation-Id", correlationID)) }
        let http = HTTPRequest(method: request.method, url: endpoints.url(path: request.path, query: request.query),
                               headers: headers, body: request.body)
        return try await perform(http)
    }

    private func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await client.execute(request, errors: errors.shared)
    }

    // MARK: - SSO

    /// Logs in through SSO and returns a fresh access token.
    ///
    /// - Throws: ``BackendError/Code-swift.struct/unauthorized`` with the engine's reason when it
    ///   rejects the credentials.
    func login() async throws -> String {
        let form = FormEncoding.body([
            ("grant_type", "password"),
            ("scope", "ovirt-app-api"),
            ("username", username),
            ("password", password.value),
        ])
        let request = HTTPRequest(method: "POST", url: endpoints.ssoToken, headers: [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ], body: form)
        let response = try await perform(request)
        let target = "POST /ovirt-engine/sso/oauth/token"
        let answer = Self.decodeSSO(response.body)

        if let failure = answer?.failure {
            var message = "login as \(username) failed"
            if let text = failure.message, !text.isEmpty { message += ": \(text)" }
            if let code = failure.code, !code.isEmpty { message += " (\(code))" }
            logger.debug("Engine login failed", metadata: [
                "backend.name": "\(engine)", "user": "\(username)", "http.status": "\(response.status)",
            ])
            throw BackendError(.unauthorized, engine: engine, message: message, httpStatus: response.status)
        }
        guard (200..<300).contains(response.status) else {
            var error = errors.status(response, request: target)
            if response.status == 401 || response.status == 403 {
                error.code = .unauthorized
            }
            error.message = "login as \(username): " + error.message
            throw error
        }
        guard let token = answer?.accessToken, !token.isEmpty else {
            let body = response.body
            // Never quote a body that might carry a token.
            let safe = String(decoding: body, as: UTF8.self).contains("access_token") ? [] : body
            throw errors.invalid(safe, expected: "a JSON SSO answer with an access_token", request: target)
        }
        logger.debug("Logged in to engine", metadata: ["backend.name": "\(engine)", "user": "\(username)"])
        return token
    }

    /// The SSO answer as an object, or the first element when the engine wraps it in a list.
    static func decodeSSO(_ body: [UInt8]) -> OvirtSSOResponse? {
        let data = Data(body)
        if let object = try? JSONDecoder().decode(OvirtSSOResponse.self, from: data) { return object }
        return (try? JSONDecoder().decode([OvirtSSOResponse].self, from: data))?.first
    }

    /// Revokes the current token, best-effort (what the SDK's `close()` does).
    func logout() async {
        guard let token = tokens.take() else { return }
        let request = HTTPRequest(method: "POST", url: endpoints.ssoLogout, headers: [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ], body: FormEncoding.body([("scope", "ovirt-app-api"), ("token", token)]))
        do {
            let response = try await client.execute(request)
            logger.debug("Logged out of engine", metadata: [
                "backend.name": "\(engine)", "http.status": "\(response.status)",
            ])
        } catch {
            logger.debug("Logout failed", metadata: ["backend.name": "\(engine)", "error.message": "\(error)"])
        }
    }
}
