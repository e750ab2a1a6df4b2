import Hummingbird
import Logging
import NIOCore

/// Serves `router` on a free loopback port for the duration of `body`, and stops the server
/// afterwards whether `body` succeeds or throws.
public func serveOnLoopback<T>(
    _ router: Router<BasicRequestContext>, label: String, _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let application = Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
        logger: Logger(label: label) { _ in SwiftLogNoOpLogHandler() })
    let server = Task { try await application.runService(gracefulShutdownSignals: []) }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        server.cancel()
        _ = await server.result
        throw CancellationError()
    }
    do {
        let result = try await body(port)
        server.cancel()
        _ = await server.result
        return result
    } catch {
        server.cancel()
        _ = await server.result
        throw error
    }
}
