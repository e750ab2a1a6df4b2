import Foundation
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// A connection handler for answers written outside the router: it fills an empty error answer
/// with the JSON error body, and closes the connection after an answer that says
/// `Connection: close`.
///
/// - Hummingbird answers a request it cannot parse with an empty 400 written straight to the
///   connection, past every middleware; this handler gives it the same
///   `{"error": {"code", "message", "fix"}}` body as every other error.
/// - An answer that says `Connection: close` (the 413 for an oversized upload) is followed by
///   closing the connection once it is written, so neither side waits for the rest of a body
///   nobody will read.
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
    private var closeAfterAnswer = false

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) { methods.append(head.method) }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            closeAfterAnswer = head.headerFields[.connection]?.lowercased() == "close"
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
            guard closeAfterAnswer else {
                context.write(wrapOutboundOut(.end(trailers)), promise: promise)
                return
            }
            closeAfterAnswer = false
            let written = context.eventLoop.makePromise(of: Void.self)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
            if let promise { written.futureResult.cascade(to: promise) }
            context.write(wrapOutboundOut(.end(trailers)), promise: written)
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
