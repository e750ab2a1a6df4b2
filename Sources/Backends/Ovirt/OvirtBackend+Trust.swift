import AggregatorCore
import BackendSupport
import EngineHTTP

extension OvirtBackend {
    /// Downloads the engine's CA certificate, for pinning it (`aggregator trust`).
    ///
    /// Sends `GET {scheme://host:port}/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA`
    /// **without** TLS verification: the point is to obtain the CA that later verification needs.
    /// Show the operator the certificate's fingerprint before trusting it.
    ///
    /// - Parameters:
    ///   - apiURL: The engine's API URL, `https://engine.example/ovirt-engine/api`.
    ///   - connectTimeout: Timeout for connecting.
    ///   - requestTimeout: Timeout for the whole request.
    /// - Returns: The PEM text as served (one or more `CERTIFICATE` blocks).
    /// - Throws: ``BackendError`` (named after `host:port`) when the engine cannot be reached,
    ///   answers with an error status, or the answer is not a PEM certificate.
    public static func fetchCACertificate(
        apiURL: String, connectTimeout: Duration, requestTimeout: Duration
    ) async throws -> String {
        try await CertificateDownload.withUnverifiedClient(
            apiURL: apiURL, connectTimeout: connectTimeout, requestTimeout: requestTimeout
        ) { endpoints, client in
            let errors = OvirtErrorMapping(engine: endpoints.hostPort, endpoints: endpoints,
                                           connectTimeout: connectTimeout, requestTimeout: requestTimeout,
                                           maxResponseBytes: CertificateDownload.maxResponseBytes)
            let target = "GET /ovirt-engine/services/pki-resource"
            let response = try await client.execute(HTTPRequest(url: endpoints.caCertificate), errors: errors.shared)
            guard (200..<300).contains(response.status) else {
                throw errors.status(response, request: target)
            }
            let text = response.bodyText
            guard !CertificateTools.pemBlocks(text).isEmpty else {
                throw errors.invalid(response.body, expected: "a PEM CA certificate", request: target)
            }
            return text
        }
    }
}
