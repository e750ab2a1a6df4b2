import Foundation
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// A connection handler for answers written outside the router: it fills an empty error answer
/// with the JSON error body.
///
/// Hummingbird answers a request it cannot parse with an empty 400 written straight to the
/// connection, past every middleware; this handler gives it the same
/// `{"error": {"code", "message", "fix"}}` body as every other error.
///
/// Closing the connection after an answer that says `Connection: close`, and the lingering close
/// after an answer written before its request's body ended (the 413 for an oversized upload), are
/// ``ConnectionGuardHandler``'s, which sits in front of this handler.
///
/// Install it per connection: `.http1(additionalChannelHandlers: [ErrorAnswerChannelHandler()])`.
public final class ErrorAnswerChannelHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    /// Methods of requests read and not yet answered, oldest first (a HEAD answer gets no body).
    private var methods: [HTTPRequest.Method] = []
    /// An empty error answer's head, held until its end shows nothing else was written.
    private var heldHead: (head: HTTPResponse, promise: EventLoopPromise<Void>?)?

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) { methods.append(head.method) }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.status.code >= 400, head.headerFields[.contentLength] == "0", methods.first != .head {
                heldHead = (head, promise)
            } else {
                context.write(data, promise: promise)
            }
        case .body:
            releaseHeldHead(context: context)
            context.write(data, promise: promise)
        case .end(let trailers):
            if let held = heldHead {
                heldHead = nil
                writeErrorBody(context: context, head: held.head, promise: held.promise)
            }
            if !methods.isEmpty { methods.removeFirst() }
            context.write(wrapOutboundOut(.end(trailers)), promise: promise)
        }
    }

    private func releaseHeldHead(context: ChannelHandlerContext) {
        guard let held = heldHead else { return }
        heldHead = nil
        context.write(wrapOutboundOut(.head(held.head)), promise: held.promise)
    }

    private func writeErrorBody(context: ChannelHandlerContext, head: HTTPResponse, promise: EventLoopPromise<Void>?) {
        let error = APIError.forStatus(head.status)
        let body = APIErrorBody(error: .init(code: error.code, message: error.message, fix: error.fix))
        guard let bytes = try? JSONBody.encode(body) else {
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            return
        }
        var head = head
        head.headerFields[.contentLength] = "\(bytes.count)"
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        context.write(wrapOutboundOut(.head(head)), promise: promise)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: bytes))), promise: nil)
    }
}
