import Logging
import NIOPosix
import Synchronization

/// A small HTTP/1.1 client over the system libcurl, for talking to engines.
///
/// Each client owns a pool of `maxConcurrentRequests` dedicated threads on which the blocking
/// `curl_easy_perform` runs, so requests never block Swift's cooperative thread pool, and a pool
/// of reused easy handles, so connections and TLS sessions to an engine stay warm.
///
/// ```swift
/// try await HTTPClient.withHTTPClient { client in
///     let response = try await client.execute(HTTPRequest(url: "https://engine.example.com/ovirt-engine/api"))
///     print(response.status, response.bodyText)
/// }
/// ```
///
/// - Important: Call ``shutdown()`` when done (or use ``withHTTPClient(configuration:logger:isolation:_:)``).
///   A client that is released without it still stops its threads, but cannot wait for them.
public final class HTTPClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: HTTPClientConfiguration

    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let handles = EasyHandlePool()
    private let closing = AbortFlag()
    private let shutdownStarted = Atomic<Bool>(false)
    private let connectionsOpenedTotal = Atomic<Int>(0)

    /// Creates a client and starts its threads.
    ///
    /// - Parameters:
    ///   - configuration: Timeouts, TLS trust and limits.
    ///   - logger: Receives one `debug` line per request (method, URL without query, status,
    ///     duration). Bodies and headers are never logged. Defaults to a logger that discards.
    public init(
        configuration: HTTPClientConfiguration = .init(),
        logger: Logger = Logger(label: "vmaggregator.http", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.maxConcurrentRequests))
        self.threadPool.start()
    }

    deinit {
        if !self.shutdownStarted.exchange(true, ordering: .acquiringAndReleasing) {
            self.closing.set()
            self.threadPool.shutdownGracefully { _ in }
            self.handles.close()
        }
    }

    /// Runs a client for the duration of `body` and shuts it down afterwards, on every path.
    ///
    /// - Parameters:
    ///   - configuration: The client's configuration.
    ///   - logger: The client's logger.
    ///   - body: Uses the client.
    /// - Returns: What `body` returns.
    public static func withHTTPClient<Result>(
        configuration: HTTPClientConfiguration = .init(),
        logger: Logger = Logger(label: "vmaggregator.http", factory: { _ in SwiftLogNoOpLogHandler() }),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (HTTPClient) async throws -> Result
    ) async throws -> Result {
        let client = HTTPClient(configuration: configuration, logger: logger)
        let result: Result
        do {
            result = try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        return result
    }

    /// Sends a request and returns the response, whatever its status.
    ///
    /// The transfer runs on one of the client's own threads. If more than
    /// ``HTTPClientConfiguration/maxConcurrentRequests`` requests are in flight, this one waits
    /// for a free thread; its timeout starts when its transfer starts.
    ///
    /// - Parameter request: The request to send.
    /// - Returns: The final response (redirects are not followed).
    /// - Throws: ``HTTPClientError`` when no response was received, or `CancellationError` when
    ///   the calling task is cancelled (the transfer is aborted within about a second).
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        guard !self.closing.isSet else {
            throw HTTPClientError(code: .shutdown, url: request.url, message: "the HTTP client has been shut down")
        }
        let cancelled = AbortFlag()
        let closing = self.closing
        let handles = self.handles
        let configuration = self.configuration
        let start = ContinuousClock.now

        let outcome: Transfer.Outcome
        do {
            outcome = try await withTaskCancellationHandler {
                try await self.threadPool.runIfActive {
                    guard let handle = handles.checkout() else {
                        let error = HTTPClientError(code: .transport, url: request.url, message: "cannot create a curl handle")
                        return Transfer.Outcome(result: .failure(error), connectionsOpened: 0)
                    }
                    defer { handles.checkin(handle) }
                    return Transfer.run(
                        request,
                        configuration: configuration,
                        handle: handle,
                        cancelled: cancelled,
                        clientClosing: closing
                    )
                }
            } onCancel: {
                cancelled.set()
            }
        } catch {
            // The transfer never started: the task was cancelled while it waited, or the pool stopped.
            if Task.isCancelled {
                throw CancellationError()
            }
            throw HTTPClientError(code: .shutdown, url: request.url, message: "the HTTP client has been shut down")
        }

        self.connectionsOpenedTotal.add(outcome.connectionsOpened, ordering: .relaxed)
        var metadata: Logger.Metadata = [
            "http.method": "\(request.method)",
            "http.url": "\(URLRedaction.redact(request.url))",
            "http.duration_ms": "\(Transfer.milliseconds(ContinuousClock.now - start))",
        ]
        switch outcome.result {
        case .success(let response):
            metadata["http.status"] = "\(response.status)"
            self.logger.debug("HTTP request finished", metadata: metadata)
            return response
        case .failure(let error) where error.code == .cancelled:
            if cancelled.isSet {
                throw CancellationError()
            }
            throw HTTPClientError(code: .shutdown, url: request.url, message: "the HTTP client was shut down during the request")
        case .failure(let error):
            metadata["error.code"] = "\(error.code)"
            metadata["error.message"] = "\(error.message)"
            self.logger.debug("HTTP request failed", metadata: metadata)
            throw error
        }
    }

    /// Stops the client: aborts transfers in flight, joins its threads and frees its handles.
    ///
    /// Idempotent. Requests made afterwards throw ``HTTPClientError/Code-swift.struct/shutdown``.
    public func shutdown() async {
        guard !self.shutdownStarted.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        self.closing.set()
        try? await self.threadPool.shutdownGracefully()
        self.handles.close()
    }

    /// New connections opened so far; stays flat while requests reuse connections.
    var connectionsOpened: Int {
        self.connectionsOpenedTotal.load(ordering: .relaxed)
    }
}
