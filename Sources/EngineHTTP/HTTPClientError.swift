/// A transport failure: no HTTP response was received.
///
/// An HTTP error status is not an `HTTPClientError`; it is an ``HTTPResponse``.
/// ``url`` never carries userinfo, a query string or a fragment, so the error is safe to log.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure happened.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case connectionRefused
            case hostNotFound
            case connectTimeout
            case timeout
            case tls
            case cancelled
            case invalidURL
            case invalidRequest
            case shutdown
            case responseTooLarge
            case transport
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The server refused the connection or could not be reached.
        public static let connectionRefused = Code(.connectionRefused)
        /// The host name could not be resolved.
        public static let hostNotFound = Code(.hostNotFound)
        /// No connection could be established within the connect timeout.
        public static let connectTimeout = Code(.connectTimeout)
        /// The request did not complete within its timeout.
        public static let timeout = Code(.timeout)
        /// TLS failed: handshake, certificate verification, or the CA file.
        public static let tls = Code(.tls)
        /// The transfer was aborted because its task was cancelled.
        ///
        /// ``HTTPClient/execute(_:)`` reports cancellation as `CancellationError`; this code exists
        /// for completeness of the mapping.
        public static let cancelled = Code(.cancelled)
        /// The URL is malformed or uses an unsupported scheme.
        public static let invalidURL = Code(.invalidURL)
        /// The request cannot be sent as given, for example a header containing CR or LF.
        public static let invalidRequest = Code(.invalidRequest)
        /// The client has been shut down.
        public static let shutdown = Code(.shutdown)
        /// The response body was larger than ``HTTPClientConfiguration/maxResponseBytes``; the
        /// transfer was aborted there.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// Any other transport failure (connection reset, bad response, ...).
        public static let transport = Code(.transport)

        public var description: String {
            switch self.base {
            case .connectionRefused: "connectionRefused"
            case .hostNotFound: "hostNotFound"
            case .connectTimeout: "connectTimeout"
            case .timeout: "timeout"
            case .tls: "tls"
            case .cancelled: "cancelled"
            case .invalidURL: "invalidURL"
            case .invalidRequest: "invalidRequest"
            case .shutdown: "shutdown"
            case .responseTooLarge: "responseTooLarge"
            case .transport: "transport"
            }
        }
    }

    /// What kind of failure happened.
    public var code: Code
    /// The request URL without userinfo, query string or fragment.
    public var url: String
    /// libcurl's description of the failure.
    public var message: String
    /// libcurl's `CURLcode`, or 0 when the failure did not come from libcurl.
    public var curlCode: Int32

    /// Creates an error. `url` is redacted before it is stored.
    public init(code: Code, url: String, message: String, curlCode: Int32 = 0) {
        self.code = code
        self.url = URLRedaction.redact(url)
        self.message = message
        self.curlCode = curlCode
    }

    public var description: String {
        var text = "HTTPClientError.\(self.code): \(self.message) (\(self.url)"
        if self.curlCode != 0 {
            text += ", curl code \(self.curlCode)"
        }
        return text + ")"
    }
}
