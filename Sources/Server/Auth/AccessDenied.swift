import AggregatorCore
import Hummingbird

/// A request refused by authentication, role or cross-site checks: 401 or 403 with the JSON
/// error body, and `WWW-Authenticate: Bearer` on a 401. Never carries the presented token.
struct AccessDenied: HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var fix: String?
    /// The `WWW-Authenticate` value of a 401.
    var challenge: String?
    /// Who was refused, when known but not authenticated (a JWT subject without a role).
    var caller: String?

    /// No bearer token on a route that needs one.
    static let missingToken = AccessDenied(
        status: .unauthorized, code: "unauthorized", message: "this request needs a bearer token",
        fix: "send 'Authorization: Bearer TOKEN' with a token from 'aggregator token new'",
        challenge: #"Bearer realm="vmaggregator""#)

    /// A bearer token that is none of ours, or a JWT that does not verify.
    static func invalidToken(_ reason: String) -> AccessDenied {
        AccessDenied(status: .unauthorized, code: "unauthorized", message: "the bearer token is not valid: \(reason)",
                     fix: "send a current token; ask an administrator for a new one if it was revoked",
                     challenge: #"Bearer realm="vmaggregator", error="invalid_token""#)
    }

    /// An identified caller whose role is below what the route needs.
    static func forbidden(needs role: Role, caller: APIIdentity) -> AccessDenied {
        AccessDenied(status: .forbidden, code: "forbidden",
                     message: "this request needs the \(role) role; \(caller.described) has \(caller.role)",
                     fix: "use a token with the \(role) role (aggregator token new NAME --role \(role))")
    }

    /// A single sign-on caller whose role claim grants no role.
    static func noRole(subject: String, claim: String) -> AccessDenied {
        AccessDenied(status: .forbidden, code: "forbidden",
                     message: "subject '\(subject)' has no role: its '\(claim)' claim maps to none of reader, operator, admin",
                     fix: "grant the subject one of the groups listed under auth.jwt.roles", caller: subject)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try APIError(status, code: code, message: message, fix: fix)
            .response(from: request, context: context)
        if let challenge { response.headers[.wwwAuthenticate] = challenge }
        return response
    }
}
