import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Keeps custom reason phrases on the wire.
///
/// The Proxmox API puts its error message in the HTTP reason phrase
/// (`HTTP/1.1 500 VM 100 is running - destroy failed`), and clients such as
/// proxmoxer report it from there. NIO's conversion from `HTTPResponse` to
/// HTTP/1 replaces the reason phrase of every status code it knows with the
/// standard one, so this handler (on the `HTTPResponse` side) moves a custom
/// reason phrase into a private header and installs ``ReasonPhraseWriter``
/// below the conversion, which takes it out again and writes it as the
/// status line's reason.
final class ReasonPhraseCarrier: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let headerName = HTTPField.Name("X-Simulator-Reason-Phrase")!

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        guard let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) else { return }
        try? pipeline.addHandler(ReasonPhraseWriter(), position: .before(codec))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var response) = unwrapOutboundIn(data), !response.status.reasonPhrase.isEmpty,
            response.status.reasonPhrase != HTTPResponseStatus(statusCode: response.status.code).reasonPhrase
        else {
            context.write(data, promise: promise)
            return
        }
        response.headerFields[Self.headerName] = response.status.reasonPhrase
        context.write(wrapOutboundOut(.head(response)), promise: promise)
    }
}

/// The HTTP/1 half of ``ReasonPhraseCarrier``.
final class ReasonPhraseWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let name = ReasonPhraseCarrier.headerName.rawName
        guard case .head(var head) = unwrapOutboundIn(data), let reason = head.headers.first(name: name) else {
            context.write(data, promise: promise)
            return
        }
        head.headers.remove(name: name)
        head.status = .custom(code: head.status.code, reasonPhrase: reason)
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}
