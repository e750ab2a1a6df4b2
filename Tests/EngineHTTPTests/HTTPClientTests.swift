import Testing

@testable import EngineHTTP

@Suite("HTTPClient against a live server")
struct HTTPClientTests {
    @Test(.timeLimit(.minutes(1)))
    func getReturnsStatusHeadersAndBody() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let response = try await client.execute(HTTPRequest(url: server.url("/hello")))
                #expect(response.status == 200)
                #expect(response.bodyText == "hello")
                #expect(response.header("x-test") == "yes")
                #expect(response.header("X-TEST") == "yes")
                #expect(response.header("missing") == nil)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func postSendsHeadersAndBinaryBody() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let body: [UInt8] = [0x3c, 0x61, 0x00, 0xff, 0x0d, 0x0a, 0x3e]
                let response = try await client.execute(
                    HTTPRequest(
                        method: "POST",
                        url: server.url("/echo"),
                        headers: [("Content-Type", "application/xml"), ("X-Custom", "abc")],
                        body: body
                    )
                )
                #expect(response.status == 201)
                #expect(response.body == body)
                #expect(response.header("X-Method") == "POST")
                #expect(response.header("X-Received-Content-Type") == "application/xml")
                #expect(response.header("X-Received-Custom") == "abc")
                #expect(response.header("X-Received-User-Agent") == "vmaggregator")
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func largePostDoesNotWaitForContinueNorClaimAForm() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let body = [UInt8](repeating: 0x41, count: 200_000)
                let response = try await client.execute(
                    HTTPRequest(method: "POST", url: server.url("/echo"), body: body)
                )
                #expect(response.status == 201)
                #expect(response.body == body)
                #expect(response.header("X-Received-Content-Type") == "none")
                #expect(response.header("X-Received-Expect") == "none")
            }
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["PUT", "PATCH", "DELETE"])
    func otherMethodsUseCustomRequest(method: String) async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let body: [UInt8]? = method == "DELETE" ? nil : Array("payload".utf8)
                let response = try await client.execute(
                    HTTPRequest(method: method, url: server.url("/echo"), body: body)
                )
                #expect(response.status == 201)
                #expect(response.header("X-Method") == method)
                #expect(response.body == (body ?? []))
            }
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: [204, 302, 400, 404, 500, 503])
    func errorStatusesAreResponses(status: Int) async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let response = try await client.execute(HTTPRequest(url: server.url("/status/\(status)")))
                #expect(response.status == status)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func gzipResponsesAreDecoded() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let response = try await client.execute(HTTPRequest(url: server.url("/gzip")))
                #expect(response.status == 200)
                #expect(response.bodyText == gzipFixtureText)
                #expect(response.header("X-Received-Accept-Encoding")?.contains("gzip") == true)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func compressionCanBeTurnedOff() async throws {
        let configuration = makeConfiguration { $0.acceptCompressed = false }
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                let response = try await client.execute(HTTPRequest(url: server.url("/gzip")))
                #expect(response.header("X-Received-Accept-Encoding") == "none")
                #expect(response.body == gzipFixture)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func closedPortIsConnectionRefusedQuickly() async throws {
        try await HTTPClient.withHTTPClient { client in
            let start = ContinuousClock.now
            let error = try await #require(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "http://127.0.0.1:1/"))
            }
            #expect(error.code == .connectionRefused)
            #expect(error.curlCode == 7)
            #expect(!error.message.isEmpty)
            // Refused at once; a hang would last the 10 s connect timeout.
            #expect(ContinuousClock.now - start < .seconds(8))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func errorsCarryNoCredentialsOrQuery() async throws {
        try await HTTPClient.withHTTPClient { client in
            let error = try await #require(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "http://admin:s3cret@127.0.0.1:1/api/vms?token=t0ken#frag"))
            }
            #expect(error.url == "http://127.0.0.1:1/api/vms")
            #expect(!error.description.contains("s3cret"))
            #expect(!error.description.contains("t0ken"))
        }
    }

    /// The server never answers; only the request's own timeout can end it.
    @Test(.timeLimit(.minutes(1)))
    func requestTimeoutIsTimeout() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let error = try await #require(throws: HTTPClientError.self) {
                    try await client.execute(HTTPRequest(url: server.url("/held"), timeout: .milliseconds(300)))
                }
                #expect(error.code == .timeout)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func tlsToAPlainServerIsTLSError() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let error = try await #require(throws: HTTPClientError.self) {
                    try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/hello"))
                }
                #expect(error.code == .tls)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["ftp://127.0.0.1/file", "file:///etc/passwd", "http://[::1/"])
    func unsupportedOrMalformedURLIsInvalidURL(url: String) async throws {
        try await HTTPClient.withHTTPClient { client in
            let error = try await #require(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: url))
            }
            #expect(error.code == .invalidURL)
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: [
        HTTPRequest(url: "http://127.0.0.1:1/", headers: [("X-Evil", "a\r\nInjected: yes")]),
        HTTPRequest(url: "http://127.0.0.1:1/", headers: [("Bad Name", "x")]),
        HTTPRequest(method: "GET /x", url: "http://127.0.0.1:1/"),
    ])
    func headerInjectionIsRejected(request: HTTPRequest) async throws {
        try await HTTPClient.withHTTPClient { client in
            let error = try await #require(throws: HTTPClientError.self) {
                try await client.execute(request)
            }
            #expect(error.code == .invalidRequest)
        }
    }

    /// The server holds the answer until the test ends, so the request ends only if the
    /// cancellation reaches curl.
    @Test(.timeLimit(.minutes(1)))
    func cancellationAbortsAHeldRequest() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let task = Task {
                    try await client.execute(HTTPRequest(url: server.url("/held")))
                }
                await server.held.waitForArrivals(1)
                task.cancel()
                let result = await task.result
                #expect(throws: CancellationError.self) { try result.get() }

                // The handle went back to the pool in a usable state.
                let response = try await client.execute(HTTPRequest(url: server.url("/hello")))
                #expect(response.status == 200)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func alreadyCancelledTaskDoesNotSend() async throws {
        try await HTTPClient.withHTTPClient { client in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.execute(HTTPRequest(url: "http://127.0.0.1:1/"))
            }
            await #expect(throws: CancellationError.self) { try await task.value }
        }
    }

    /// The key property: blocking transfers run on the client's own threads, so eight requests
    /// are in flight at once even though the cooperative pool has only as many threads as cores.
    /// The server holds every answer until all eight have arrived: serialised, they never would.
    @Test(.timeLimit(.minutes(1)))
    func concurrentRequestsDoNotSerialise() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            try await client.execute(HTTPRequest(url: server.url("/held"))).status
                        }
                    }
                    await server.held.waitForArrivals(8)
                    #expect(server.held.current == 8)
                    server.held.releaseAll()
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses == Array(repeating: 200, count: 8))
                #expect(server.held.peak == 8)
            }
        }
    }

    /// Two transfers at most: the third request reaches the server only after one of the first
    /// two is answered, the fourth after another.
    @Test(.timeLimit(.minutes(1)))
    func maxConcurrentRequestsLimitsTransfers() async throws {
        let configuration = makeConfiguration { $0.maxConcurrentRequests = 2 }
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            _ = try await client.execute(HTTPRequest(url: server.url("/held")))
                        }
                    }
                    await server.held.waitForArrivals(2)
                    server.held.releaseOne()
                    await server.held.waitForArrivals(1)
                    server.held.releaseOne()
                    await server.held.waitForArrivals(1)
                    server.held.releaseAll()
                    try await group.waitForAll()
                }
                #expect(server.held.peak == 2)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func sequentialRequestsReuseOneConnection() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                for _ in 0..<20 {
                    let response = try await client.execute(HTTPRequest(url: server.url("/hello")))
                    #expect(response.status == 200)
                }
                #expect(client.connectionsOpened == 1)
                #expect(server.connections.count == 1)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func shutdownIsIdempotentAndRejectsLaterRequests() async throws {
        let client = HTTPClient()
        await client.shutdown()
        await client.shutdown()
        let error = try await #require(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "http://127.0.0.1:1/"))
        }
        #expect(error.code == .shutdown)
    }

    /// The server holds the answer until the test ends, so the request ends only if shutdown
    /// aborts it.
    @Test(.timeLimit(.minutes(1)))
    func shutdownAbortsTransfersInFlight() async throws {
        try await withTestServer { server in
            let client = HTTPClient()
            let task = Task {
                try await client.execute(HTTPRequest(url: server.url("/held")))
            }
            await server.held.waitForArrivals(1)
            await client.shutdown()
            let error = try await #require(throws: HTTPClientError.self) { try await task.value }
            #expect(error.code == .shutdown)
        }
    }
}

private func makeConfiguration(_ change: (inout HTTPClientConfiguration) -> Void) -> HTTPClientConfiguration {
    var configuration = HTTPClientConfiguration()
    change(&configuration)
    return configuration
}
