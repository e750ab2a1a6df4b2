/// One HTTP request to send with ``HTTPClient/execute(_:)``.
///
/// ```swift
/// let request = HTTPRequest(
///     method: "POST",
///     url: "https://engine.example.com/ovirt-engine/api/vms/123/start",
///     headers: [("Content-Type", "application/xml"), ("Accept", "application/xml")],
///     body: Array("<action/>".utf8)
/// )
/// ```
public struct HTTPRequest: Sendable {
    /// The method, such as `"GET"`, `"POST"`, `"PUT"` or `"DELETE"`.
    public var method: String

    /// The absolute URL, `http` or `https`.
    public var url: String

    /// Request headers, sent in order. Names and values must not contain CR, LF or NUL.
    ///
    /// An empty value sends the header with no value. A `Content-Type` is not added for you.
    public var headers: [(name: String, value: String)]

    /// The request body, or `nil` for none. Sent with a `Content-Length`.
    public var body: [UInt8]?

    /// Timeout for this request; overrides ``HTTPClientConfiguration/requestTimeout``.
    public var timeout: Duration?

    /// Collect the certificates the server presents (``HTTPResponse/peerCertificates``), for
    /// pinning an engine's certificate. Defaults to `false`.
    ///
    /// Only a request that opens a new TLS connection sees a handshake: use a fresh client.
    /// Combine with ``HTTPClientConfiguration/insecure`` to read a certificate that is not trusted yet.
    public var capturePeerCertificates: Bool = false

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - method: The HTTP method. Defaults to `"GET"`.
    ///   - url: The absolute URL.
    ///   - headers: Request headers, in order.
    ///   - body: The request body, or `nil`.
    ///   - timeout: Overrides the client's request timeout when set.
    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
