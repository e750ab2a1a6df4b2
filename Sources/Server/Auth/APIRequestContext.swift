import Hummingbird
import HummingbirdAuth
import NIOCore

/// The request context of every API route: the caller's identity, set by
/// ``BearerAuthenticator`` (hummingbird-auth), and the peer's address for the audit trail.
public struct APIRequestContext: AuthRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller; nil until authenticated, and on public routes.
    public var identity: APIIdentity?
    /// The connected peer, when the request came over a socket.
    public let remoteAddress: SocketAddress?
    /// The client a trusted reverse proxy named (`server.trusted_proxies`); nil when the peer is
    /// the client.
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        clientAddress = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// Who sent the request, for the audit trail and the access log: the client a trusted proxy
    /// named, else the peer (`127.0.0.1:53422`, `[::1]:53422`), or nil.
    var clientDescription: String? { clientAddress ?? peerDescription }

    /// `127.0.0.1:53422`, `[::1]:53422`, or nil.
    var peerDescription: String? {
        guard let address = remoteAddress, let ip = address.ipAddress else { return nil }
        let port = address.port.map { ":\($0)" } ?? ""
        if case .v6 = address { return "[\(ip)]\(port)" }
        return ip + port
    }
}
