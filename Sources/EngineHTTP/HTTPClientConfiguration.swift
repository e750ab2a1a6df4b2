/// Settings of an ``HTTPClient``.
///
/// Every property has a documented default, so callers only set what differs:
///
/// ```swift
/// var configuration = HTTPClientConfiguration()
/// configuration.caFile = "/etc/pki/ovirt-engine/ca.pem"
/// configuration.requestTimeout = .seconds(30)
/// let client = HTTPClient(configuration: configuration)
/// ```
public struct HTTPClientConfiguration: Sendable {
    /// Timeout for establishing a TCP+TLS connection. Defaults to 10 seconds.
    public var connectTimeout: Duration = .seconds(10)

    /// Timeout for a whole request, connection included. Defaults to 60 seconds.
    ///
    /// ``HTTPRequest/timeout`` overrides it for one request.
    public var requestTimeout: Duration = .seconds(60)

    /// PEM file with the CA certificates to trust. Defaults to `nil`, the system trust store.
    public var caFile: String? = nil

    /// Skip TLS peer and host name verification. Defaults to `false`.
    ///
    /// - Warning: Only for explicit opt-in (for example while fetching an engine's CA to pin it).
    ///   The client does not log this; the caller should log a warning.
    public var insecure: Bool = false

    /// The `User-Agent` header sent with every request. Defaults to `"vmaggregator"`.
    public var userAgent: String = "vmaggregator"

    /// Accept gzip/deflate compressed responses and decode them transparently. Defaults to `true`.
    public var acceptCompressed: Bool = true

    /// Largest response body accepted, in bytes, after decompression. Defaults to 256 MiB.
    ///
    /// A larger answer is aborted as soon as it passes the cap (or before its body when its
    /// `Content-Length` is already larger) and fails with
    /// ``HTTPClientError/Code-swift.struct/responseTooLarge``, so an engine that sends an endless
    /// body cannot exhaust memory. The default is well above a 5,000-VM listing page (about 50 MB).
    public var maxResponseBytes: Int = 256 << 20

    /// Maximum number of concurrent transfers of this client. Defaults to 8.
    ///
    /// This is the number of dedicated threads and pooled connections handles the client owns;
    /// further requests wait for a free slot.
    public var maxConcurrentRequests: Int = 8

    /// Creates a configuration with every property at its default.
    public init() {}
}
