import AggregatorCore
import BackendSupport
import EngineHTTP
import Testing

@Suite("Transport failures and HTTP answers as BackendError")
struct EngineErrorMappingTests {
    static let wording = EngineErrorMapping.Wording(unauthorized: "the engine rejected the credentials (HTTP 401)",
                                                    byteCount: .bytes)
    static let mapping = EngineErrorMapping(
        engine: "e1", endpoints: EngineEndpoints(apiURL: "https://engine.example:8443/api")!,
        connectTimeout: .seconds(10), requestTimeout: .milliseconds(60_500), maxResponseBytes: 1000, wording: wording)

    @Test("each transport failure has its code and a message naming host and port", arguments: [
        (HTTPClientError.Code.connectionRefused, BackendError.Code.connectionRefused,
         "connection refused by engine.example:8443"),
        (.hostNotFound, .hostNotFound, "host name 'engine.example' does not resolve (no such host)"),
        (.connectTimeout, .timeout, "no connection to engine.example:8443 within 10000 ms (connect_timeout)"),
        (.timeout, .timeout, "no answer from engine.example:8443 within 60500 ms (request_timeout)"),
        (.tls, .tls, "TLS: no such host (set ca_file, or run `aggregator trust e1`)"),
        (.responseTooLarge, .responseTooLarge,
         "the answer from engine.example:8443 is larger than 1000 bytes (max_response_bytes); it was cut off there. "
            + "Raise max_response_bytes for engine 'e1' if its answers really are that large"),
        (.shutdown, .transport, "the backend has been shut down"),
        (.invalidURL, .transport, "invalid engine URL: no such host"),
        (.transport, .transport, "no such host (engine.example:8443)"),
    ])
    func transport(code: HTTPClientError.Code, expected: BackendError.Code, message: String) {
        let error = Self.mapping.transport(HTTPClientError(code: code, url: "https://engine.example:8443/api?x=secret",
                                                           message: "no such host"))
        #expect(error.code == expected)
        #expect(error.engine == "e1")
        #expect(error.message == message)
        #expect(!error.message.contains("secret"))
    }

    @Test("an unresolvable host is named without its port, an IPv6 literal with all its colons")
    func hostNotFound() {
        let mapping = EngineErrorMapping(engine: "e1", endpoints: EngineEndpoints(apiURL: "https://[fd00::1]:8006")!,
                                         connectTimeout: .seconds(1), requestTimeout: .seconds(1), wording: Self.wording)
        let error = mapping.transport(HTTPClientError(code: .hostNotFound, url: "u", message: "x"))
        #expect(error.message == "host name '[fd00::1]' does not resolve (x)")
    }

    @Test("a call's own timeout is named instead of request_timeout")
    func callTimeout() {
        let error = Self.mapping.transport(HTTPClientError(code: .timeout, url: "u", message: ""), timeout: .seconds(3))
        #expect(error.message == "no answer from engine.example:8443 within 3000 ms (this call's timeout)")
    }

    @Test("each status has its code, the request and the engine's text", arguments: [
        (401, BackendError.Code.unauthorized, "GET /api/vms: the engine rejected the credentials (HTTP 401): bad ticket"),
        (403, .forbidden, "GET /api/vms: permission denied (HTTP 403): bad ticket"),
        (404, .notFound, "GET /api/vms: not found (HTTP 404): bad ticket"),
        (409, .httpStatus, "GET /api/vms: HTTP 409 as the kind words it"),
        (500, .httpStatus, "GET /api/vms: HTTP 500 as the kind words it"),
    ])
    func status(status: Int, code: BackendError.Code, message: String) {
        let error = Self.mapping.status(status, request: "GET /api/vms", engineText: "bad ticket",
                                        otherwise: "HTTP \(status) as the kind words it")
        #expect(error.code == code)
        #expect(error.httpStatus == status)
        #expect(error.message == message)
    }

    @Test("without the engine's text the message ends at the status")
    func statusWithoutText() {
        let error = Self.mapping.status(404, request: "GET /api/vms/1", engineText: nil, otherwise: "")
        #expect(error.message == "GET /api/vms/1: not found (HTTP 404)")
    }

    @Test("an answer of the wrong shape names what was expected, what came, and why it did not fit")
    func invalid() {
        let empty = Self.mapping.invalid([], expected: "a JSON vm list", request: "GET /api/vms", snippet: "ignored",
                                         detail: nil)
        #expect(empty.code == .invalidResponse)
        #expect(empty.message == "GET /api/vms: expected a JSON vm list, got an empty body")
        let wrong = Self.mapping.invalid(Array("<html>".utf8), expected: "a JSON vm list", request: "GET /api/vms",
                                         snippet: "'oops'", detail: "missing 'id'")
        #expect(wrong.message == "GET /api/vms: expected a JSON vm list, got: 'oops' (missing 'id')")
        let unquotable = Self.mapping.invalid([1], expected: "x", request: "GET /", snippet: nil, detail: nil)
        #expect(unquotable.message == "GET /: expected x")
    }

    @Test("byte counts", arguments: [
        (EngineErrorMapping.ByteCountStyle.bytes, 256 << 20, "268435456 bytes"),
        (.withMebibytes, 256 << 20, "268435456 bytes (256 MiB)"),
        (.withMebibytes, 3 << 19, "1572864 bytes (1.5 MiB)"),
        (.withMebibytes, 1000, "1000 bytes"),
    ])
    func byteCount(style: EngineErrorMapping.ByteCountStyle, bytes: Int, text: String) {
        #expect(style.text(bytes) == text)
    }

    @Test func reasonPhrases() {
        #expect(HTTPReasonPhrase.of(502) == "Bad Gateway")
        #expect(HTTPReasonPhrase.of(409) == "Conflict")
        #expect(HTTPReasonPhrase.of(599) == nil)
    }
}
