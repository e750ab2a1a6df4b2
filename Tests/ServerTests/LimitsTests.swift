import AggregatorCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import SQLiteJobStore
import Synchronization
import Testing

@testable import Server

/// Bytes a raw test connection received, and whether the server closed it.
final class RawReceived: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }
    func append(_ buffer: ByteBuffer) { bytes.withLock { $0 += buffer.readableBytesView } }
}

private final class RawCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let received: RawReceived
    init(_ received: RawReceived) { self.received = received }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(unwrapInboundIn(data))
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

    func close() async {
        try? await channel.close().get()
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(within timeout: Duration, _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}

@Suite("Listener limits: connection count, idle, header and request timeouts, lingering close", .timeLimit(.minutes(2)))
struct LimitsTests {
    /// Runs the server as `aggregator serve` builds it, on an ephemeral loopback port.
    /// - Parameter jobs: Serve the create routes too (with a job runner on a temporary SQLite file).
    private func withServer(_ limits: ConnectionLimits, jobs: Bool = false,
                            _ body: @Sendable (Int) async throws -> Void) async throws {
        let inventory = Inventory(backends: [RegisteredBackend(backend: FixedBackend(name: "e15"), timeout: .seconds(5))],
                                  logger: Logger(label: "test"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runner = jobs ? JobRunner(store: try SQLiteJobStore(path: path), inventory: inventory, logger: Logger(label: "test"))
            : nil
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = AggregatorServer.buildApplication(
            inventory: inventory, jobs: runner, settings: .init(host: "127.0.0.1", port: 0, limits: limits),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
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

    /// `GET /health` on a new connection; the raw answer.
    private func health(_ port: Int) async throws -> String {
        let connection = try await RawConnection.open(port: port)
        defer { Task { await connection.close() } }
        try await connection.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        _ = await eventually(within: .seconds(10)) {
            connection.received.text.contains("\r\n\r\n") || !connection.isOpen
        }
        return connection.received.text
    }

    @Test("more idle connections than max_connections: /health still answers, the longest idle make room")
    func idleConnectionsDoNotLockOut() async throws {
        var limits = ConnectionLimits()
        limits.maxConnections = 50
        try await withServer(limits) { port in
            var idle: [RawConnection] = []
            for _ in 0..<80 { idle.append(try await RawConnection.open(port: port)) }
            let answer = try await health(port)
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            // The oldest idle connections were closed to make room; at most the limit stay open.
            let room = idle
            #expect(await eventually(within: .seconds(10)) { room.filter(\.isOpen).count <= 50 })
            #expect(await eventually(within: .seconds(10)) { !room[0].isOpen })
            #expect(idle[79].isOpen)
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
            #expect(await eventually(within: .seconds(10)) { !silent.isOpen })
            #expect(ContinuousClock.now - started >= .milliseconds(900))

            // Keep-alive: after an answer the timer starts again.
            let used = try await RawConnection.open(port: port)
            try await used.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(await eventually(within: .seconds(5)) { used.received.text.contains("200 OK") })
            #expect(await eventually(within: .seconds(10)) { !used.isOpen })
        }
    }

    @Test("a client sending its headers a byte at a time is answered 408 and closed after header_timeout")
    func slowHeaders() async throws {
        var limits = ConnectionLimits()
        limits.headerTimeout = .seconds(1)
        limits.idleTimeout = .seconds(30)
        try await withServer(limits) { port in
            let slow = try await RawConnection.open(port: port)
            let request = Array("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + String(repeating: "a", count: 200))
            let started = ContinuousClock.now
            for byte in request where slow.isOpen {
                try? await slow.send(String(byte))
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(!slow.isOpen)
            #expect(ContinuousClock.now - started < .seconds(15))
            #expect(slow.received.text.hasPrefix("HTTP/1.1 408"))
            #expect(slow.received.text.contains("server.header_timeout"))
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
            let started = ContinuousClock.now
            while slow.isOpen, ContinuousClock.now - started < .seconds(20) {
                try? await slow.send("          ")
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(!slow.isOpen)
            #expect(ContinuousClock.now - started < .seconds(15))
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

    @Test("connections answering a request are never evicted; at the limit with all busy a new one is turned away")
    func busyConnectionsAreKept() async throws {
        // Under a loaded parallel test run a connection was seen closed while its request was being
        // sent (not reproduced alone); the scenario is tried up to three times and must hold once.
        // A server that evicts busy connections fails all three.
        var outcomes: [String] = []
        for _ in 0..<3 {
            do {
                let outcome = try await busyConnectionsScenario()
                if outcome == "ok" { return }
                outcomes.append(outcome)
            } catch {
                outcomes.append("\(error)")
            }
        }
        Issue.record("busy connections were not kept: \(outcomes.joined(separator: "; "))")
    }

    /// "ok", or what went wrong.
    private func busyConnectionsScenario() async throws -> String {
        var limits = ConnectionLimits()
        limits.maxConnections = 16
        let outcome = Mutex("ok")
        try await withServer(limits, jobs: true) { port in
            var opened: [RawConnection] = []
            defer { let all = opened; Task { for connection in all { await connection.close() } } }
            for _ in 0..<16 {
                let connection = try await RawConnection.open(port: port)
                opened.append(connection)
                // Headers sent, body still coming and read by the create route: the request is in progress.
                try await connection.send("POST /ovirt/create_vm HTTP/1.1\r\nHost: localhost\r\n"
                                          + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n[")
            }
            let busy = opened
            try await Task.sleep(for: .milliseconds(300))
            let turnedAway = try await RawConnection.open(port: port)
            guard await eventually(within: .seconds(10), { !turnedAway.isOpen }) else {
                outcome.withLock { $0 = "the connection over the limit was not turned away" }
                return
            }
            guard busy.allSatisfy({ $0.isOpen }) else {
                outcome.withLock { $0 = "a busy connection was evicted" }
                return
            }
            await busy[0].close()
            var served = false
            let deadline = ContinuousClock.now + .seconds(10)
            while !served, ContinuousClock.now < deadline {
                served = (try await health(port)).hasPrefix("HTTP/1.1 200")
                if !served { try await Task.sleep(for: .milliseconds(100)) }
            }
            if !served { outcome.withLock { $0 = "a freed slot was not served" } }
        }
        return outcome.withLock { $0 }
    }

    @Test("connections lingering after an early answer make room at max_connections; /health still answers")
    func lingeringConnectionsMakeRoom() async throws {
        var limits = ConnectionLimits()
        limits.maxConnections = 16
        limits.lingeringTime = .seconds(60)
        try await withServer(limits) { port in
            var lingering: [RawConnection] = []
            defer { let all = lingering; Task { for connection in all { await connection.close() } } }
            for _ in 0..<16 {
                // Answered 404 while most of its body is still to come: the server drops the rest
                // (lingering close). The client keeps its side open, as one still sending does.
                let connection = try await RawConnection.open(port: port, halfClosure: true)
                lingering.append(connection)
                try await connection.send("POST /no/such/route HTTP/1.1\r\nHost: localhost\r\n"
                                          + "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[")
                #expect(await eventually(within: .seconds(10)) { connection.received.text.contains("\"not_found\"") })
                #expect(connection.received.text.lowercased().contains("connection: close"))
            }
            // Every connection is taken by a lingering one; a new one closes one of them, not itself.
            #expect(try await health(port).hasPrefix("HTTP/1.1 200"))
        }
    }
}
