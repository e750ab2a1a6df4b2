/// A response received from a server, whatever its status.
///
/// A 4xx or 5xx status is a response, not an error: check ``status``.
public struct HTTPResponse: Sendable {
    /// The status code, such as 200 or 404.
    public var status: Int

    /// Response headers of the final response, in the order received.
    ///
    /// When the body was compressed and decoded, `Content-Encoding` still names the encoding
    /// the server used while ``body`` holds the decoded bytes.
    public var headers: [(name: String, value: String)]

    /// The response body, decoded if it was gzip/deflate compressed.
    public var body: [UInt8]

    /// The reason phrase of the status line (`Not Found`), or nil when the server sent none.
    ///
    /// Some engines put their error text there rather than in the body (Proxmox VE answers
    /// `HTTP/1.1 500 unable to find configuration file for VM 100`).
    public var reasonPhrase: String?

    /// The certificates the server presented in the TLS handshake, as PEM blocks, leaf first.
    ///
    /// Filled only when ``HTTPRequest/capturePeerCertificates`` was set and the request opened a new
    /// TLS connection (a reused connection has no handshake to report); empty otherwise.
    public var peerCertificates: [String] = []

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                reasonPhrase: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.reasonPhrase = reasonPhrase
    }

    /// The value of the first header called `name`, compared case-insensitively, or `nil`.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return self.headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body decoded as UTF-8; invalid sequences become U+FFFD.
    public var bodyText: String {
        String(decoding: self.body, as: UTF8.self)
    }
}
