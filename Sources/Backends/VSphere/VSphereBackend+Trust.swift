import AggregatorCore
import BackendSupport

extension VSphereBackend {
    /// Reads the certificate the vCenter presents, for pinning it (`aggregator trust`).
    ///
    /// vCenter's own CA (VMCA) is downloadable only as a zip from its landing page, so this takes
    /// the last certificate of the chain the `/sdk` endpoint presents in the TLS handshake: the
    /// VMCA root when the vCenter sends its chain, its own certificate otherwise. Show the operator
    /// its fingerprint before trusting it.
    ///
    /// - Parameters:
    ///   - apiURL: The API URL, `https://vcenter.example/sdk`.
    ///   - connectTimeout: Timeout for connecting.
    ///   - requestTimeout: Timeout for the whole request.
    /// - Returns: One PEM `CERTIFICATE` block.
    /// - Throws: ``BackendError`` (named after `host:port`) when the vCenter cannot be reached, is
    ///   not served over TLS, or presents no certificate.
    public static func fetchCACertificate(
        apiURL: String, connectTimeout: Duration, requestTimeout: Duration
    ) async throws -> String {
        try await CertificateDownload.presentedCertificate(
            apiURL: apiURL, connectTimeout: connectTimeout, requestTimeout: requestTimeout, path: "",
            mapping: VSphereErrorMapping.self)
    }
}
