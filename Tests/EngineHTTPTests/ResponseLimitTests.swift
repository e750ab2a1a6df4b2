import Hummingbird
import Logging
import NIOCore
import Testing

@testable import EngineHTTP

/// An engine that answers too much: an endless body, or a `Content-Length` over the cap.
private func withOversizedServer<Result: Sendable>(_ body: @Sendable (Int) async throws -> Result) async throws -> Result {
    let router = Router()
    let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 << 10)
    router.get("endless") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
            // Until the client goes away: the write then fails and ends the loop.
            while true { try await writer.write(chunk) }
        })
    }
    router.get("declared") { _, _ in
        Response(status: .ok, headers: [.contentLength: "\(4 << 20)"], body: ResponseBody { writer in
            for _ in 0..<64 { try await writer.write(chunk) }
            try await writer.finish(nil)
        })
    }
    router.get("exact") { request, _ in
        let size = request.uri.queryParameters.get("bytes", as: Int.self) ?? 0
        return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "y"), count: size)))
    }
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            if let port = channel.localAddress?.port { continuation.yield(port) }
            continuation.finish()
        },
        logger: Logger(label: "ResponseLimitTests.server", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await app.runService()
        }
        defer { group.cancelAll() }
        let port = try #require(await ports.first(where: { _ in true }))
        return try await body(port)
    }
}

@Suite("HTTPClient caps the size of a response", .timeLimit(.minutes(1)))
struct ResponseLimitTests {
    private func client(maxResponseBytes: Int) -> HTTPClientConfiguration {
        var configuration = HTTPClientConfiguration()
        configuration.maxResponseBytes = maxResponseBytes
        configuration.requestTimeout = .seconds(20)
        configuration.maxConcurrentRequests = 2
        return configuration
    }

    @Test("an endless body is cut off at the cap with an error naming it")
    func endlessBody() async throws {
        try await withOversizedServer { port in
            try await HTTPClient.withHTTPClient(configuration: client(maxResponseBytes: 1 << 20)) { client in
                let started = ContinuousClock.now
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.execute(EngineHTTP.HTTPRequest(url: "http://127.0.0.1:\(port)/endless"))
                }
                #expect(error?.code == .responseTooLarge)
                #expect(error?.message.contains("1048576 bytes") == true)
                // Cut at the cap, not at the request timeout.
                #expect(ContinuousClock.now - started < .seconds(15))
                // The client still works afterwards.
                let small = try await client.execute(EngineHTTP.HTTPRequest(url: "http://127.0.0.1:\(port)/exact?bytes=10"))
                #expect(small.status == 200 && small.body.count == 10)
            }
        }
    }

    @Test("a Content-Length over the cap is refused before the body is read")
    func declaredLength() async throws {
        try await withOversizedServer { port in
            try await HTTPClient.withHTTPClient(configuration: client(maxResponseBytes: 1 << 20)) { client in
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.execute(EngineHTTP.HTTPRequest(url: "http://127.0.0.1:\(port)/declared"))
                }
                #expect(error?.code == .responseTooLarge)
            }
        }
    }

    @Test("a body of exactly the cap is delivered whole; one byte more is not", arguments: [0, 1])
    func boundary(extra: Int) async throws {
        let cap = 256 << 10
        try await withOversizedServer { port in
            try await HTTPClient.withHTTPClient(configuration: client(maxResponseBytes: cap)) { client in
                let request = EngineHTTP.HTTPRequest(url: "http://127.0.0.1:\(port)/exact?bytes=\(cap + extra)")
                if extra == 0 {
                    let response = try await client.execute(request)
                    #expect(response.body.count == cap)
                } else {
                    let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
                    #expect(error?.code == .responseTooLarge)
                }
            }
        }
    }

    @Test("the default cap is 256 MiB, well above a 5,000-VM listing page")
    func defaultCap() {
        #expect(HTTPClientConfiguration().maxResponseBytes == 256 << 20)
    }
}

@Suite("The body buffer never grows past the cap")
struct ResponseBufferTests {
    @Test func capacityStaysWithinTheCap() {
        let state = TransferState(cancelled: AbortFlag(), clientClosing: AbortFlag(), maxBodyBytes: 1000)
        let chunk = [UInt8](repeating: 1, count: 300)
        for _ in 0..<3 {
            #expect(chunk.withUnsafeBytes { state.receiveBody($0) })
        }
        #expect(state.body.count == 900)
        #expect(state.body.capacity <= 1000)
        #expect(!chunk.withUnsafeBytes { state.receiveBody($0) })
        #expect(state.exceededLimit && state.body.count == 900)
    }
}
