import AggregatorCore
import BackendSupport
import EngineHTTP

extension ProxmoxBackend {
    /// Reads the certificate chain the engine presents, for pinning it (`aggregator trust`).
    ///
    /// Proxmox VE has no unauthenticated CA download, so this opens a TLS connection to the API's
    /// `host:port` **without** verification and returns what the server presented in the handshake
    /// (`GET /api2/json/version`; its answer, 401 without credentials, does not matter). The last
    /// certificate of the chain is returned: the cluster CA (`pve-root-ca.pem`) when the node serves
    /// its own certificate with the chain, the node's self-signed or custom certificate otherwise.
    /// libcurl verifies against a non-root anchor too (partial-chain verification), so either pins
    /// the engine. Show the operator its fingerprint before trusting it.
    ///
    /// - Parameters:
    ///   - apiURL: The API URL, `https://pve1.example:8006/api2/json`.
    ///   - connectTimeout: Timeout for connecting.
    ///   - requestTimeout: Timeout for the whole request.
    /// - Returns: One PEM `CERTIFICATE` block.
    /// - Throws: ``BackendError`` (named after `host:port`) when the engine cannot be reached, is not
    ///   served over TLS, or presents no certificate.
    public static func fetchCACertificate(
        apiURL: String, connectTimeout: Duration, requestTimeout: Duration
    ) async throws -> String {
        try await CertificateDownload.presentedCertificate(
            apiURL: apiURL, connectTimeout: connectTimeout, requestTimeout: requestTimeout, path: "version",
            mapping: ProxmoxErrorMapping.self)
    }
}
