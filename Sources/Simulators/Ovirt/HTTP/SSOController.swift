import Hummingbird
import NIOCore

/// The engine's single sign-on endpoints as the SDK and our client use them:
/// the password grant at `/ovirt-engine/sso/oauth/token` and logout at
/// `/ovirt-engine/services/sso-logout`.
struct SSOController<Context: RequestContext>: Sendable {
    let state: EngineState

    /// Form bodies are tiny; anything larger is refused.
    private static var maxFormSize: Int { 64 * 1024 }

    func addRoutes(to router: Router<Context>) {
        router.post("ovirt-engine/sso/oauth/token") { request, _ in try await token(request) }
        router.post("ovirt-engine/services/sso-logout") { request, _ in try await logout(request) }
    }

    private func form(_ request: Request) async throws -> [String: String] {
        var request = request
        let buffer = try await request.collectBody(upTo: Self.maxFormSize)
        var fields: [String: String] = [:]
        for (name, value) in URLEncoding.decodeForm(String(buffer: buffer)[...]) where fields[name] == nil {
            fields[name] = value
        }
        // The engine reads parameters from the query string as well as the body.
        for (name, value) in URLEncoding.decodeForm((request.uri.query ?? "")[...]) where fields[name] == nil {
            fields[name] = value
        }
        return fields
    }

    private func token(_ request: Request) async throws -> Response {
        let fields = try await form(request)
        for name in ["grant_type", "scope"] where fields[name] == nil {
            return error(code: "invalid_request", message: "Missing parameter: '\(name)'", appScope: true)
        }
        let appScope = fields["scope"]?.split(separator: " ").contains("ovirt-app-api") ?? false
        guard fields["grant_type"] == "password" else {
            return error(
                code: "unsupported_grant_type",
                message: "The authorization grant type is not supported by the authorization server.",
                appScope: appScope
            )
        }
        for name in ["username", "password"] where fields[name] == nil {
            return error(code: "invalid_request", message: "Missing parameter: '\(name)'", appScope: appScope)
        }
        let username = fields["username"] ?? ""
        guard state.checkCredentials(username: username, password: fields["password"] ?? "") else {
            return error(
                code: "access_denied",
                message: "Cannot authenticate user '\(username)': The username or password is incorrect..",
                appScope: appScope
            )
        }
        let issued = state.issueToken(username: username)
        var body = "{\"access_token\":"
        JSONWriter.quote(issued.token, into: &body)
        body += ",\"token_type\":\"bearer\",\"scope\":"
        JSONWriter.quote(fields["scope"] ?? "ovirt-app-api", into: &body)
        body += ",\"exp\":\"\(issued.expiresAt)\"}"
        return OvirtResponse.body(body, contentType: "application/json")
    }

    /// The SSO error body: `{"error_code","error"}` for the `ovirt-app-api`
    /// scope, `{"error","error_description"}` otherwise (`SsoService.sendJsonDataWithMessage`).
    private func error(code: String, message: String, appScope: Bool) -> Response {
        var body = "{"
        if appScope {
            body += "\"error_code\":"
            JSONWriter.quote(code, into: &body)
            body += ",\"error\":"
            JSONWriter.quote(message, into: &body)
        } else {
            body += "\"error\":"
            JSONWriter.quote(code, into: &body)
            body += ",\"error_description\":"
            JSONWriter.quote(message, into: &body)
        }
        body += "}"
        return OvirtResponse.body(body, contentType: "application/json", status: .badRequest)
    }

    private func logout(_ request: Request) async throws -> Response {
        let fields = try await form(request)
        if let token = fields["token"] {
            state.revoke(token: token)
        } else if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            state.revoke(token: String(header.dropFirst("bearer ".count)))
        }
        return OvirtResponse.body("{}", contentType: "application/json")
    }
}
