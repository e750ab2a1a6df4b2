import AggregatorCore
import AggregatorTesting
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import SQLiteJobStore
import Testing

@testable import Server

/// Bytes a raw test connection received, and whether the connection ended; a test waits on
/// them instead of polling.
final class RawReceived: Sendable {
    private struct Received {
        var bytes: [UInt8] = []
        var ended = false
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    private let received = Watched(Received())

    var text: String { received.value.text }

    func append(_ buffer: ByteBuffer) {
        received.update { $0.bytes += buffer.readableBytesView }
    }

    /// The connection closed: nothing more will arrive.
    func end() {
        received.update { $0.ended = true }
    }

    /// Waits until what was received satisfies `condition`, or the connection ended (or the
    /// task is cancelled); returns what was received.
    @discardableResult
    func wait(until condition: @escaping @Sendable (String) -> Bool) async -> String {
        await received.wait { $0.ended || condition($0.text) }.text
    }
}

private final class RawCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let received: RawReceived
    init(_ received: RawReceived) { self.received = received }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(unwrapInboundIn(data))
    }
    func channelInactive(context: ChannelHandlerContext) {
        received.end()
        context.fireChannelInactive()
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// A plain TCP connection to the server under test, speaking raw bytes.
struct RawConnection: Sendable {
    let channel: any Channel
    let received: RawReceived

    /// - Parameter halfClosure: Keep the connection open after the server shuts down its side
    ///   (as a client still sending does), instead of closing it then.
    static func open(port: Int, halfClosure: Bool = false) async throws -> RawConnection {
        let received = RawReceived()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: halfClosure)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawCollector(received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, received: received)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(string: text)).get()
    }

    var isOpen: Bool { channel.isActive }

    /// This end's port, which the server sees as the client's (0 once closed).
    var localPort: Int { channel.localAddress?.port ?? 0 }

    /// Returns once the connection is closed, by either side.
    func closed() async {
        try? await channel.closeFuture.get()
    }

    func close() async {
        try? await channel.close().get()
    }
}

@Suite("Listener limits: connection count, idle, header and request timeouts, lingering close", .timeLimit(.minutes(2)))
struct LimitsTests {
    /// Runs the server as `aggregator serve` builds it, on an ephemeral loopback port.
    /// - Parameter jobs: Serve the create routes too (with a job runner on a temporary SQLite file).
    /// - Parameter logger: The server's logger (its connection guard logs at trace level).
    private func withServer(_ limits: ConnectionLimits, jobs: Bool = false,
                            logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                            _ body: @Sendable (Int) async throws -> Void) async throws {
        let inventory = EngineSet(backends: [RegisteredBackend(backend: FixedBackend(name: "e15"), timeout: .seconds(5))],
                                  logger: Logger(label: "test"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runner = jobs ? JobRunner(store: try SQLiteJobStore(path: path), inventory: inventory, logger: Logger(label: "test"))
            : nil
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = AggregatorServer.buildApplication(
            inventory: inventory, jobs: runner, settings: .init(host: "127.0.0.1", port: 0, limits: limits),
            logger: logger,
            onServerRunning: { port in
                continuation.yield(port)
                continuation.finish()
            })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            if let runner { group.addTask { await runner.run() } }
            defer { group.cancelAll() }
            let port = try #require(await ports.first(where: { _ in true }))
            try await body(port)
        }
    }

    /// `GET /health` on a new connection; the raw answer (up to the end of its headers).
    private func health(_ port: Int) async throws -> String {
        let connection = try await RawConnection.open(port: port)
        try await connection.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let answer = await connection.received.wait { $0.contains("\r\n\r\n") }
        await connection.close()
        return answer
    }

    @Test("more idle connections than max_connections: /health still answers, the longest idle make room")
    func idleConnectionsDoNotLockOut() async throws {
        var limits = ConnectionLimits()
        limits.maxConnections = 50
        try await withServer(limits) { port in
            let (closures, closed) = AsyncStream.makeStream(of: Int.self)
            var idle: [RawConnection] = []
            for index in 0..<80 {
                let connection = try await RawConnection.open(port: port)
                connection.channel.closeFuture.whenComplete { _ in closed.yield(index) }
                idle.append(connection)
            }
            let health = try await RawConnection.open(port: port)
            try await health.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(await health.received.wait { $0.contains("\r\n\r\n") }.hasPrefix("HTTP/1.1 200"))
            // 81 connections, room for 50: the server closes the 31 idle longest, the first among them.
            var evicted: Set<Int> = []
            for await index in closures {
                evicted.insert(index)
                if evicted.count == 31 { break }
            }
            #expect(evicted.contains(0))
            #expect(!evicted.contains(79))
            #expect(idle.filter(\.isOpen).count == 49)
            await health.close()
            for connection in idle { await connection.close() }
        }
    }

    @Test("a connection that sends nothing is closed after idle_timeout, one that is used stays")
    func idleTimeout() async throws {
        var limits = ConnectionLimits()
        limits.idleTimeout = .seconds(1)
        try await withServer(limits) { port in
            // Taken before connecting: the server's timer starts after this, whatever the machine's load.
            let started = ContinuousClock.now
            let silent = try await RawConnection.open(port: port)
            await silent.closed()
            #expect(ContinuousClock.now - started >= .milliseconds(900))

            // Keep-alive: after an answer the timer starts again.
            let used = try await RawConnection.open(port: port)
            try await used.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(await used.received.wait { $0.contains("200 OK") }.contains("200 OK"))
            await used.closed()
        }
    }

    @Test("a client sending its headers a byte at a time is answered 408 and closed after header_timeout")
    func slowHeaders() async throws {
        var limits = ConnectionLimits()
        limits.headerTimeout = .seconds(1)
        limits.idleTimeout = .seconds(30)
        try await withServer(limits) { port in
            let slow = try await RawConnection.open(port: port)
            // A slow client: a header byte every 100 ms for as long as the connection stays open
            // (the pause paces the client; nothing waits on it). Only the header timeout ends this.
            try await slow.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: ")
            while slow.isOpen {
                try? await slow.send("a")
                try await Task.sleep(for: .milliseconds(100))
            }
            let answer = await slow.received.wait { _ in false }
            #expect(answer.hasPrefix("HTTP/1.1 408"))
            #expect(answer.contains("server.header_timeout"))
            // Others are served meanwhile.
            #expect(try await health(port).hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("a body that trickles in is cut off after request_timeout")
    func slowBody() async throws {
        var limits = ConnectionLimits()
        limits.headerTimeout = .seconds(1)
        limits.requestTimeout = .seconds(2)
        try await withServer(limits) { port in
            let slow = try await RawConnection.open(port: port)
            try await slow.send("POST /ovirt/create_vm HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 100000\r\n\r\n")
            // Ten body bytes every 100 ms for as long as the connection stays open (pacing, as
            // above): far too slow to finish, so only the request timeout ends this.
            while slow.isOpen {
                try? await slow.send("          ")
                try await Task.sleep(for: .milliseconds(100))
            }
            await slow.closed()
        }
    }

    @Test("max_connections stays below the open-file limit")
    func effectiveLimit() {
        let limits = ConnectionLimits(maxConnections: 4096)
        #expect(limits.effectiveMaxConnections(openFiles: 1024) == 768)
        #expect(limits.effectiveMaxConnections(openFiles: 1 << 20) == 4096)
        #expect(limits.effectiveMaxConnections(openFiles: 10) == 16)
        #expect(OpenFileLimit.raise() >= OpenFileLimit.current - 1)
    }

    /// The server logs (at trace level) when it has read a request's headers and marked its
    /// connection busy, and when it has let a connection go; the test waits for those lines, so
    /// the connection over the limit comes only once all sixteen are busy, and /health only once
    /// the server has seen a busy one close.
    @Test("connections answering a request are never evicted; at the limit with all busy a new one is turned away")
    func busyConnectionsAreKept() async throws {
        var limits = ConnectionLimits()
        limits.maxConnections = 16
        let log = LogRecorder()
        try await withServer(limits, jobs: true, logger: log.logger("server")) { port in
            var busy: [RawConnection] = []
            for _ in 0..<16 {
                let connection = try await RawConnection.open(port: port)
                busy.append(connection)
                // Headers sent, body still coming and read by the create route: the request is in progress.
                try await connection.send("POST /ovirt/create_vm HTTP/1.1\r\nHost: localhost\r\n"
                                          + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n[")
            }
            await log.waitForLines(containing: "Request headers read, connection busy", count: 16)
            let turnedAway = try await RawConnection.open(port: port)
            await turnedAway.closed()
            #expect(busy.allSatisfy { $0.isOpen }, "a busy connection was evicted")

            let freed = busy[0].localPort
            await busy[0].close()
            await log.waitForLines(containing: ["Connection closed", "client.port=\(freed)"])
            #expect(try await health(port).hasPrefix("HTTP/1.1 200"), "a freed slot is served")
            for connection in busy { await connection.close() }
        }
    }

    @Test("connections lingering after an early answer make room at max_connections; /health still answers")
    func lingeringConnectionsMakeRoom() async throws {
        var limits = ConnectionLimits()
        limits.maxConnections = 16
        limits.lingeringTime = .seconds(60)
        try await withServer(limits) { port in
            var lingering: [RawConnection] = []
            for _ in 0..<16 {
                // Answered 404 while most of its body is still to come: the server drops the rest
                // (lingering close). The client keeps its side open, as one still sending does.
                let connection = try await RawConnection.open(port: port, halfClosure: true)
                lingering.append(connection)
                try await connection.send("POST /no/such/route HTTP/1.1\r\nHost: localhost\r\n"
                                          + "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[")
                let answer = await connection.received.wait { $0.contains("\"not_found\"") }
                #expect(answer.contains("\"not_found\""))
                #expect(answer.lowercased().contains("connection: close"))
            }
            // Every connection is taken by a lingering one; a new one closes one of them, not itself.
            #expect(try await health(port).hasPrefix("HTTP/1.1 200"))
            for connection in lingering { await connection.close() }
        }
    }
}
