import AggregatorCore
import EngineHTTP

extension CertificateDownload {
    /// The last certificate of the chain an engine presents in the TLS handshake, for kinds with
    /// no unauthenticated CA download (Proxmox VE, vSphere).
    ///
    /// Connects to the API's `host:port` **without** verification and sends `GET path`; the
    /// answer (often 401 or 405 without credentials) does not matter. The last certificate is the
    /// issuing CA when the server sends its chain, its own certificate otherwise; libcurl verifies
    /// against a non-root anchor too (partial-chain verification), so either pins the engine.
    ///
    /// - Parameters:
    ///   - apiURL: The engine's API URL from its configuration entry.
    ///   - connectTimeout: Timeout for connecting.
    ///   - requestTimeout: Timeout for the whole request.
    ///   - path: What to request, relative to the API URL (`version`, or `""` for the API URL itself).
    ///   - mapping: The kind's error mapping, for transport failures.
    /// - Returns: One PEM `CERTIFICATE` block.
    /// - Throws: ``BackendError`` (named after `host:port`) when the engine cannot be reached, is not
    ///   served over TLS, or presents no certificate.
    public static func presentedCertificate<Mapping: KindErrorMapping>(
        apiURL: String, connectTimeout: Duration, requestTimeout: Duration, path: String, mapping: Mapping.Type
    ) async throws -> String {
        try await withUnverifiedClient(apiURL: apiURL, connectTimeout: connectTimeout,
                                       requestTimeout: requestTimeout) { endpoints, client in
            guard endpoints.usesTLS else {
                throw BackendError(.tls, engine: endpoints.hostPort,
                                   message: "\(endpoints.origin) is not served over TLS: there is no certificate to trust")
            }
            let errors = Mapping(engine: endpoints.hostPort, endpoints: endpoints, connectTimeout: connectTimeout,
                                 requestTimeout: requestTimeout, maxResponseBytes: maxResponseBytes)
            var request = HTTPRequest(url: endpoints.url(path: path))
            request.capturePeerCertificates = true
            let response = try await client.execute(request, errors: errors.shared)
            guard let last = response.peerCertificates.last, let der = CertificateTools.pemBlocks(last).first else {
                throw BackendError(.tls, engine: endpoints.hostPort,
                                   message: "\(endpoints.hostPort) presented no certificate in the TLS handshake")
            }
            return CertificateTools.pem(der: der)
        }
    }
}
