import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A live Hummingbird server on 127.0.0.1 and an ephemeral port, for exercising the client.
struct TestServer: Sendable {
    let port: Int
    let connections: ConnectionLog
    /// The requests to `/held`, answered only when the test releases them.
    let held: HeldAnswers

    func url(_ path: String) -> String {
        "http://127.0.0.1:\(self.port)\(path)"
    }
}

/// The remote ports the server has seen: one per TCP connection.
final class ConnectionLog: Sendable {
    private let ports = Mutex<Set<Int>>([])

    func record(_ port: Int?) {
        guard let port else { return }
        self.ports.withLock { _ = $0.insert(port) }
    }

    var count: Int {
        self.ports.withLock { $0.count }
    }
}

/// Requests to `/held`: each is answered only when the test releases it (at the latest when the
/// server stops), or ends when its connection closes. Arrivals are signalled, so a test waits on
/// them instead of on time.
final class HeldAnswers: Sendable {
    /// How a held request ended.
    enum Ending: Sendable {
        case released
        case connectionClosed
    }

    private struct State {
        var waiting: [Int: CheckedContinuation<Ending, Never>] = [:]
        var nextID = 0
        var peak = 0
        var open = false
    }

    private let state = Mutex(State())
    private let arrivalsContinuation: AsyncStream<Void>.Continuation
    /// One element per request that arrived and is being held.
    let arrivals: AsyncStream<Void>

    init() {
        (arrivals, arrivalsContinuation) = AsyncStream.makeStream()
    }

    /// Requests held right now.
    var current: Int { state.withLock { $0.waiting.count } }

    /// The most requests held at once.
    var peak: Int { state.withLock { $0.peak } }

    /// Waits until `count` more requests have arrived.
    func waitForArrivals(_ count: Int) async {
        var iterator = arrivals.makeAsyncIterator()
        for _ in 0..<count { _ = await iterator.next() }
    }

    /// Answers one held request (the longest held).
    func releaseOne() {
        let continuation = state.withLock { state -> CheckedContinuation<Ending, Never>? in
            guard let id = state.waiting.keys.min() else { return nil }
            return state.waiting.removeValue(forKey: id)
        }
        continuation?.resume(returning: .released)
    }

    /// Answers every held request, and every later one at once.
    func releaseAll() {
        let all = state.withLock { state in
            state.open = true
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for continuation in all { continuation.resume(returning: .released) }
    }

    /// Holds a request until it is released or `closed` completes (the connection closed).
    func hold(until closed: EventLoopFuture<Void>) async -> Ending {
        await withCheckedContinuation { (continuation: CheckedContinuation<Ending, Never>) in
            let id = state.withLock { state -> Int? in
                guard !state.open else { return nil }
                let id = state.nextID
                state.nextID += 1
                state.waiting[id] = continuation
                state.peak = max(state.peak, state.waiting.count)
                return id
            }
            guard let id else {
                continuation.resume(returning: .released)
                return
            }
            arrivalsContinuation.yield()
            closed.whenComplete { _ in
                self.state.withLock { $0.waiting.removeValue(forKey: id) }?.resume(returning: .connectionClosed)
            }
        }
    }
}

/// "compressed hello " repeated 64 times, gzip-compressed.
let gzipFixture: [UInt8] = [
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x4b, 0xce, 0xcf, 0x2d, 0x28, 0x4a,
    0x2d, 0x2e, 0x4e, 0x4d, 0x51, 0xc8, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0x48, 0x1e, 0x15, 0x18, 0x15,
    0x18, 0x15, 0x18, 0x15, 0x20, 0x4e, 0x00, 0x00, 0xbd, 0x73, 0xa2, 0x60, 0x40, 0x04, 0x00, 0x00,
]
let gzipFixtureText = String(repeating: "compressed hello ", count: 64)

private struct TestRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remotePort: Int?
    /// Completes when the client's connection closes.
    let closed: EventLoopFuture<Void>

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remotePort = source.channel.remoteAddress?.port
        self.closed = source.channel.closeFuture
    }
}

private struct TestServerDidNotStart: Error {}

private func buildRouter(connections: ConnectionLog, held: HeldAnswers) -> Router<TestRequestContext> {
    let router = Router(context: TestRequestContext.self)
    router.add(middleware: ConnectionRecorder(connections: connections))

    router.get("hello") { _, _ in
        Response(
            status: .ok,
            headers: [HTTPField.Name("X-Test")!: "yes"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "hello"))
        )
    }

    @Sendable func echo(_ request: Request, _ context: TestRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        var headers = HTTPFields()
        headers[HTTPField.Name("X-Method")!] = request.method.rawValue
        headers[HTTPField.Name("X-Received-Content-Type")!] = request.headers[.contentType] ?? "none"
        headers[HTTPField.Name("X-Received-Custom")!] = request.headers[HTTPField.Name("X-Custom")!] ?? "none"
        headers[HTTPField.Name("X-Received-Expect")!] = request.headers[.expect] ?? "none"
        headers[HTTPField.Name("X-Received-User-Agent")!] = request.headers[.userAgent] ?? "none"
        return Response(status: .created, headers: headers, body: ResponseBody(byteBuffer: body))
    }
    router.post("echo", use: echo)
    router.put("echo", use: echo)
    router.patch("echo", use: echo)
    router.delete("echo", use: echo)

    router.get("reason") { _, _ in
        // NIO writes its own phrase for the codes it knows; an engine's own code keeps the given one.
        Response(status: .init(code: 595, reasonPhrase: "Errors during connection establishment, proxy handshake"))
    }

    router.get("status/:code") { _, context in
        Response(status: .init(code: try context.parameters.require("code", as: Int.self)))
    }

    router.get("gzip") { request, _ in
        Response(
            status: .ok,
            headers: [
                .contentEncoding: "gzip",
                .contentType: "text/plain",
                HTTPField.Name("X-Received-Accept-Encoding")!: request.headers[.acceptEncoding] ?? "none",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: gzipFixture))
        )
    }

    router.get("held") { _, context in
        switch await held.hold(until: context.closed) {
        case .released: "released"
        case .connectionClosed: "nobody is listening"
        }
    }

    return router
}

private struct ConnectionRecorder: RouterMiddleware {
    let connections: ConnectionLog

    func handle(
        _ request: Request,
        context: TestRequestContext,
        next: (Request, TestRequestContext) async throws -> Response
    ) async throws -> Response {
        self.connections.record(context.remotePort)
        return try await next(request, context)
    }
}

/// Runs `body` against a fresh server, and stops the server afterwards, whether `body` succeeds or throws.
func withTestServer<Result: Sendable>(_ body: @Sendable (TestServer) async throws -> Result) async throws -> Result {
    let connections = ConnectionLog()
    let held = HeldAnswers()
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: buildRouter(connections: connections, held: held),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            if let port = channel.localAddress?.port {
                portContinuation.yield(port)
            }
            portContinuation.finish()
        },
        logger: Logger(label: "EngineHTTPTests.server", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await app.runService()
        }
        defer {
            held.releaseAll()
            group.cancelAll()
        }
        guard let port = await ports.first(where: { _ in true }) else {
            throw TestServerDidNotStart()
        }
        return try await body(TestServer(port: port, connections: connections, held: held))
    }
}
