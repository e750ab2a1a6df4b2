import AggregatorCore
import Hummingbird
import HummingbirdAuth

/// Identifies the caller from `Authorization: Bearer …` (hummingbird-auth's authenticator
/// protocol): an API token by its digest, or a JWT from the configured issuer.
///
/// Without a token the identity stays unset and ``RoleGuard`` answers 401; a token that
/// identifies no one is a 401 here. With `auth: none` every caller is ``APIIdentity/anonymous``.
/// Cookies are never read: a browser cannot lend a request its credentials.
struct BearerAuthenticator: AuthenticatorMiddleware {
    typealias Context = APIRequestContext
    let access: AccessControl

    func authenticate(request: Request, context: APIRequestContext) async throws -> APIIdentity? {
        guard RoutePolicy.requiredRole(for: request) != nil else { return nil }
        let identity: APIIdentity
        if !access.requiresAuthentication {
            identity = .anonymous
        } else if let bearer = request.headers.bearer {
            identity = try await access.identify(bearer: bearer.token)
        } else {
            return nil
        }
        RequestAudit.current?.note(identity: identity)
        return identity
    }
}

/// Answers 401 to an unidentified caller and 403 to one whose role is below what the route
/// needs (``RoutePolicy``), naming the role needed.
///
/// hummingbird-auth's `AuthorizationPolicyMiddleware` answers one fixed error per group;
/// here the role depends on the route and the answer must say which, so this is our own.
struct RoleGuard: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        guard let needed = RoutePolicy.requiredRole(for: request) else {
            return try await next(request, context)
        }
        guard let identity = context.identity else { throw AccessDenied.missingToken }
        guard identity.role.includes(needed) else {
            throw AccessDenied.forbidden(needs: needed, caller: identity)
        }
        return try await next(request, context)
    }
}
