import AggregatorCore
import EngineHTTP
import Logging

extension BackendConfiguration {
    /// A problem with this entry, at its place in the configuration file when it has one.
    public func problem(_ message: String, fix: String) -> ConfigurationError {
        if let location {
            return ConfigurationError(location: location, message: message, fix: fix)
        }
        return ConfigurationError(file: nil, message: message, fix: fix)
    }

    /// The resolved password (or token secret).
    /// - Parameter missing: What the entry lacks, in the error: `password or token secret`.
    /// - Throws: ``ConfigurationError`` `engine 'NAME' has no MISSING` when there is none.
    public func requirePassword(missing: String = "password") throws -> Secret {
        guard let password else {
            throw problem("engine '\(name)' has no \(missing)", fix: "set password_env or password_file")
        }
        return password
    }

    /// The URLs derived from `url`.
    /// - Parameter example: The kind's URL shape for the fix: `https://ENGINE/ovirt-engine/api`.
    /// - Throws: ``ConfigurationError`` when `url` is not an http(s) URL.
    public func endpoints(example: String) throws -> EngineEndpoints {
        guard let endpoints = EngineEndpoints(apiURL: url) else {
            throw problem("engine '\(name)': url must be an http(s) URL", fix: "use \(example)")
        }
        return endpoints
    }

    /// The HTTP client settings of this entry: `ca_file`, `insecure`, `connect_timeout`,
    /// `request_timeout` and `max_response_bytes`.
    /// - Parameter maxConcurrentRequests: Requests the client sends to the engine at once.
    public func httpClientConfiguration(maxConcurrentRequests: Int) -> HTTPClientConfiguration {
        var http = HTTPClientConfiguration()
        http.connectTimeout = connectTimeout
        http.requestTimeout = requestTimeout
        http.caFile = caFile
        http.insecure = insecure
        http.maxResponseBytes = maxResponseBytes
        http.maxConcurrentRequests = maxConcurrentRequests
        return http
    }

    /// Logs a warning when the entry turns TLS verification off, with the command that fixes it.
    public func warnIfInsecure(_ endpoints: EngineEndpoints, logger: Logger) {
        guard insecure else { return }
        logger.warning("TLS verification is disabled for this engine", metadata: [
            "backend.name": "\(name)", "backend.url": "\(endpoints.apiURL)",
            "fix": "run 'aggregator trust \(name)' and drop 'insecure'",
        ])
    }
}
