import AggregatorCore
import EngineHTTP

/// The unverified connection `aggregator trust` fetches an engine's certificate over.
///
/// The point of the download is to obtain what later verification needs, so TLS is not verified
/// here: show the operator the certificate's fingerprint before trusting it.
public enum CertificateDownload {
    /// The largest answer accepted: a CA certificate is a few kilobytes, a bundle a few dozen. 1 MiB.
    public static let maxResponseBytes = 1 << 20

    /// Parses `apiURL`, then runs `body` with a client that does not verify TLS, sends one request
    /// at a time and accepts answers up to ``maxResponseBytes``; the client is shut down on every path.
    ///
    /// - Parameters:
    ///   - apiURL: The engine's API URL from its configuration entry.
    ///   - connectTimeout: Timeout for connecting.
    ///   - requestTimeout: Timeout for the whole request.
    ///   - body: Sends the kind's request(s) and returns the PEM text.
    /// - Throws: ``BackendError`` `transport` (named after the URL) when `apiURL` is not an http(s)
    ///   URL, or what `body` throws.
    public static func withUnverifiedClient<Result>(
        apiURL: String, connectTimeout: Duration, requestTimeout: Duration,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (EngineEndpoints, HTTPClient) async throws -> Result
    ) async throws -> Result {
        guard let endpoints = EngineEndpoints(apiURL: apiURL) else {
            throw BackendError(.transport, engine: apiURL, message: "not an http(s) URL: \(apiURL)")
        }
        var configuration = HTTPClientConfiguration()
        configuration.maxResponseBytes = maxResponseBytes
        configuration.insecure = true
        configuration.connectTimeout = connectTimeout
        configuration.requestTimeout = requestTimeout
        configuration.maxConcurrentRequests = 1
        return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            try await body(endpoints, client)
        }
    }
}
