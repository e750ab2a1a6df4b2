import AggregatorCore
import Hummingbird

/// Sets ``APIRequestContext/clientAddress`` before anything logs or audits the request: the
/// client a trusted proxy names (see ``ClientAddress``), or the connected peer.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let trustedProxies: [IPAddressRange]

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        guard let client = ClientAddress.forwardedClient(
            peerIP: context.remoteAddress?.ipAddress, headers: request.headers, trusted: trustedProxies)
        else {
            return try await next(request, context)
        }
        var context = context
        context.clientAddress = client.contains(":") ? "[\(client)]" : client
        return try await next(request, context)
    }
}
