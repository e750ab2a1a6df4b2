import CCurl

extension HTTPClientError.Code {
    /// The code for a failed transfer.
    ///
    /// - Parameters:
    ///   - curlCode: What `curl_easy_perform` returned.
    ///   - connected: Whether a connection had been established, which tells a connect timeout
    ///     from a request timeout (libcurl reports both as `CURLE_OPERATION_TIMEDOUT`).
    init(curlCode: CURLcode, connected: Bool) {
        switch curlCode {
        case CURLE_COULDNT_CONNECT:
            self = .connectionRefused
        case CURLE_COULDNT_RESOLVE_HOST:
            self = .hostNotFound
        case CURLE_OPERATION_TIMEDOUT:
            self = connected ? .timeout : .connectTimeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT,
            CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
            self = .tls
        case CURLE_ABORTED_BY_CALLBACK:
            self = .cancelled
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            self = .invalidURL
        default:
            self = .transport
        }
    }
}
