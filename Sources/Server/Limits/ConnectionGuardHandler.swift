import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// Enforces ``ConnectionLimits`` on one HTTP/1 connection: registers it with the listener's
/// ``ConnectionRegistry`` and closes it when it idles, sends its headers too slowly (slowloris)
/// or takes too long to send a whole request. It also decides when a connection closes after an
/// answer:
/// - after an answer that says `Connection: close`, once it is written;
/// - after an answer written before its request's body ended (a 413 for an oversized upload, a
///   404 or 401 on a POST), with a lingering close, as nginx's `lingering_close` does: the answer
///   says `Connection: close`, the write side is shut down once it is written (the client sees
///   the whole answer and its end), and the rest of the body is read and dropped until it ends,
///   the client closes, or `lingering_time` or `lingering_bytes` is reached. Closing at once
///   would leave unread data in the socket, the kernel would reset the connection, and a client
///   that sends its whole body before reading (Python's `http.client`) would get
///   `ConnectionResetError` instead of the answer.
///
/// It sits after the HTTP decoder, where it sees where requests start and end, and puts a
/// ``RequestBytesObserver`` in front of the decoder to learn when the first byte of a request
/// arrives (the decoder says nothing until the headers are complete).
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Phase {
        /// Waiting for the next request: `idle_timeout` runs.
        case idle
        /// A request's first bytes arrived, its headers are incomplete: `header_timeout` runs.
        case readingHead
        /// The headers arrived, the body has not ended: `request_timeout` runs.
        case readingBody
        /// The whole request arrived and is being answered: nothing runs.
        case answering
        /// The answer went out before the request's body ended: the rest is read and dropped
        /// until it ends, then the connection closes; `lingering_time` runs.
        case lingering
    }

    private let limits: ConnectionLimits
    private let registry: ConnectionRegistry
    private let logger: Logger
    private var phase = Phase.idle
    private var requestStart = NIODeadline.now()
    private var requestsInProgress = 0
    /// The `Content-Length` of the request whose body is being read, and its body bytes read so far.
    private var declaredLength: Int?
    private var bodyBytesRead = 0
    /// Reading failed on this connection (a malformed body, say): the end of a body can no longer be found.
    private var decodingFailed = false
    /// The answer being written says `Connection: close` (or was made to).
    private var closeAfterAnswer = false
    /// Body bytes dropped while lingering.
    private var lingeredBytes = 0
    /// The early answer is written and the write side shut down: closing now loses nothing.
    private var lingeringAnswerWritten = false
    /// The lingering ended before the answer was written: close once it is.
    private var closeWhenAnswerWritten = false
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var observer: RequestBytesObserver?
    private var registered = false
    /// The client's port, for log lines (a closed channel no longer knows it).
    private var clientPort = 0

    init(limits: ConnectionLimits, registry: ConnectionRegistry, logger: Logger) {
        self.limits = limits
        self.registry = registry
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let observer = RequestBytesObserver(owner: self)
        self.observer = observer
        try? context.pipeline.syncOperations.addHandler(observer, position: .first)
        if context.channel.isActive { self.register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.register(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.unregister(context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.unregister(context)
        self.context = nil
        self.observer = nil
    }

    private func register(_ context: ChannelHandlerContext) {
        guard !self.registered else { return }
        self.registered = true
        self.clientPort = context.channel.remoteAddress?.port ?? 0
        switch self.registry.open(context.channel) {
        case .admitted:
            break
        case .admittedEvicting(let victim):
            self.logger.debug("Connection limit reached: closing a lingering or the longest idle connection",
                              metadata: ["http.max_connections": "\(self.registry.limit)"])
            victim.close(promise: nil)
        case .refused:
            self.logger.warning("Connection limit reached and every connection is busy: new connection closed",
                                metadata: ["http.max_connections": "\(self.registry.limit)"])
            context.close(promise: nil)
            return
        }
        self.enterIdle(context)
    }

    private func unregister(_ context: ChannelHandlerContext) {
        self.cancelTimer()
        if self.registered {
            self.registered = false
            self.registry.close(context.channel)
            self.logger.trace("Connection closed",
                              metadata: ["client.port": "\(self.clientPort)"])
        }
    }

    // MARK: - Request boundaries

    /// Bytes reached the connection (called by the observer in front of the decoder).
    fileprivate func bytesArrived() {
        guard let context = self.context, self.phase == .idle else { return }
        self.phase = .readingHead
        self.requestStart = .now()
        self.schedule(context, after: self.limits.headerTimeout)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = self.unwrapInboundIn(data)
        guard self.phase != .lingering else {
            self.drop(part, context: context)
            return
        }
        switch part {
        case .head(let head):
            self.requestsInProgress += 1
            if self.phase == .idle || self.phase == .readingHead {
                if self.phase == .idle { self.requestStart = .now() }
                self.phase = .readingBody
                self.declaredLength = head.headerFields[.contentLength].flatMap { Int($0) }
                self.bodyBytesRead = 0
                self.registry.setBusy(context.channel, true)
                self.logger.trace("Request headers read, connection busy",
                                  metadata: ["client.port": "\(self.clientPort)"])
                self.cancelTimer()
                let elapsed = NIODeadline.now() - self.requestStart
                self.schedule(context, after: self.limits.requestTimeout, minus: elapsed)
            }
        case .end:
            if self.phase == .readingBody {
                self.phase = .answering
                self.cancelTimer()
            }
        case .body(let buffer):
            if self.phase == .readingBody { self.bodyBytesRead += buffer.readableBytes }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Nobody after this handler reads the dropped body (the request task may wait for the close
        // without reading), so its backpressure must not stop the reads.
        if self.phase == .lingering { context.read() }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if self.phase == .lingering, let event = event as? ChannelEvent, event == .inputClosed {
            self.endLingering(context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.decodingFailed = true
        if self.phase == .lingering {
            self.endLingering(context)
            return
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200:
            if self.requestsInProgress == 1 && self.phase == .readingBody {
                // Answered before the body ended: this answer is the connection's last.
                head.headerFields[.connection] = "close"
                self.closeAfterAnswer = true
                context.write(self.wrapOutboundOut(.head(head)), promise: promise)
                return
            }
            self.closeAfterAnswer = head.headerFields[.connection]?.lowercased() == "close"
        case .head, .body:
            break
        case .end:
            self.requestsInProgress = max(0, self.requestsInProgress - 1)
            let close = self.closeAfterAnswer
            self.closeAfterAnswer = false
            if self.requestsInProgress == 0 && self.phase == .readingBody {
                self.startLingering(context, writing: data, promise: promise)
                return
            }
            if self.requestsInProgress == 0 { self.enterIdle(context) }
            if close {
                // The idle timer stays as a backstop for an answer the client never reads.
                let written = context.eventLoop.makePromise(of: Void.self)
                if let promise { written.futureResult.cascade(to: promise) }
                written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                context.write(data, promise: written)
                return
            }
        }
        context.write(data, promise: promise)
    }

    // MARK: - Lingering close

    /// Writes the end of an answer sent before its request's body ended, then shuts the write side
    /// down and drops the rest of the body, bounded by `lingering_time` and `lingering_bytes`.
    private func startLingering(_ context: ChannelHandlerContext, writing end: NIOAny, promise: EventLoopPromise<Void>?) {
        self.phase = .lingering
        self.lingeredBytes = 0
        self.lingeringAnswerWritten = false
        self.registry.setClosing(context.channel)
        let remaining = self.declaredLength.map { $0 - self.bodyBytesRead } ?? 0
        // A body declared longer than can be drained, or one the decoder lost track of, cannot end
        // within the bounds: lingering would only delay the close.
        self.closeWhenAnswerWritten = self.decodingFailed || remaining > self.limits.lingeringBytes
        self.schedule(context, after: self.limits.lingeringTime)
        let written = context.eventLoop.makePromise(of: Void.self)
        if let promise { written.futureResult.cascade(to: promise) }
        written.futureResult.assumeIsolated().whenComplete { result in
            guard self.phase == .lingering, context.channel.isActive else { return }
            guard case .success = result, !self.closeWhenAnswerWritten else {
                context.close(promise: nil)
                return
            }
            self.lingeringAnswerWritten = true
            context.close(mode: .output, promise: nil)
            context.read()
        }
        context.write(end, promise: written)
    }

    private func drop(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .body(let buffer):
            self.lingeredBytes += buffer.readableBytes
            if self.lingeredBytes > self.limits.lingeringBytes {
                self.logger.debug("Lingering close: body bound reached, connection closed",
                                  metadata: ["http.lingering_bytes": "\(self.limits.lingeringBytes)"])
                self.endLingering(context)
            }
        case .end, .head:
            self.endLingering(context)
        }
    }

    /// The rest of the body ended (or cannot be read): close once the answer is written.
    private func endLingering(_ context: ChannelHandlerContext) {
        guard self.phase == .lingering else { return }
        if self.lingeringAnswerWritten {
            self.cancelTimer()
            context.close(promise: nil)
        } else {
            self.closeWhenAnswerWritten = true
        }
    }

    private func enterIdle(_ context: ChannelHandlerContext) {
        self.phase = .idle
        self.registry.setBusy(context.channel, false)
        self.cancelTimer()
        self.schedule(context, after: self.limits.idleTimeout)
    }

    // MARK: - Timers

    private func schedule(_ context: ChannelHandlerContext, after duration: Duration, minus elapsed: TimeAmount = .zero) {
        self.cancelTimer()
        let delay = max(.zero, Self.timeAmount(duration) - elapsed)
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.timer = nil
            self.expired(context)
        }
    }

    private func cancelTimer() {
        self.timer?.cancel()
        self.timer = nil
    }

    private func expired(_ context: ChannelHandlerContext) {
        switch self.phase {
        case .idle:
            self.logger.trace("Idle connection closed", metadata: ["http.idle_timeout": "\(self.limits.idleTimeout)"])
            context.close(promise: nil)
        case .readingHead:
            self.logger.debug("Request headers too slow: connection closed",
                              metadata: ["http.header_timeout": "\(self.limits.headerTimeout)"])
            self.observer?.answerTimeout(
                message: "the request's headers did not arrive within \(Self.seconds(self.limits.headerTimeout)) "
                    + "(server.header_timeout)")
        case .readingBody:
            self.logger.debug("Request too slow: connection closed",
                              metadata: ["http.request_timeout": "\(self.limits.requestTimeout)"])
            context.close(promise: nil)
        case .answering:
            break
        case .lingering:
            self.logger.debug("Lingering close: time bound reached, connection closed",
                              metadata: ["http.lingering_time": "\(self.limits.lingeringTime)"])
            context.close(promise: nil)
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow else { return .hours(24 * 365) }
        return .nanoseconds(nanoseconds.partialValue + attoseconds / 1_000_000_000)
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}

@available(*, unavailable)
extension ConnectionGuardHandler: Sendable {}

/// Sits in front of the HTTP decoder and tells its ``ConnectionGuardHandler`` when bytes arrive;
/// it can also answer a request whose headers never completed with a 408 and close.
final class RequestBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private weak var owner: ConnectionGuardHandler?
    private var context: ChannelHandlerContext?

    init(owner: ConnectionGuardHandler) {
        self.owner = owner
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.unwrapInboundIn(data).readableBytes > 0 {
            self.owner?.bytesArrived()
        }
        context.fireChannelRead(data)
    }

    /// Writes a `408 Request Timeout` with the API's JSON error body straight to the socket (no
    /// answer has started: the headers never completed) and closes the connection.
    func answerTimeout(message: String) {
        guard let context = self.context else { return }
        let body = #"{"error":{"code":"request_timeout","message":"# + Self.quoted(message)
            + #","fix":"send the whole request at once, or raise the server's timeouts in the configuration"}}"#
        let head = "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json; charset=utf-8\r\n"
            + "content-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n"
        let buffer = context.channel.allocator.buffer(string: head + body)
        context.writeAndFlush(self.wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

@available(*, unavailable)
extension RequestBytesObserver: Sendable {}
