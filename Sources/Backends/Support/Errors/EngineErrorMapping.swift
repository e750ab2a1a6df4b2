import AggregatorCore
import EngineHTTP
import Foundation

/// Turns transport failures and engine answers into ``BackendError`` values an operator can act
/// on, the same way for every kind.
///
/// The table is shared; what a kind's engine says differently comes in as arguments: the text it
/// puts in an error answer (an oVirt `<fault>`, a Proxmox reason phrase), what a 401 means for the
/// kind's credentials (``Wording``). Messages name the engine's `host:port` or the API path, never
/// a query string, token, ticket or password.
///
/// | failure | code | message |
/// |---|---|---|
/// | connection refused | `connection_refused` | `connection refused by HOST:PORT` |
/// | unknown host | `host_not_found` | `host name 'HOST' does not resolve (…)` |
/// | no connection in time | `timeout` | `no connection to HOST:PORT within N ms (connect_timeout)` |
/// | no answer in time | `timeout` | `no answer from HOST:PORT within N ms (request_timeout)` |
/// | TLS | `tls` | `TLS: … (set ca_file, or run \`aggregator trust ENGINE\`)` |
/// | answer too large | `response_too_large` | `the answer from HOST:PORT is larger than …` |
/// | HTTP 401 / 403 / 404 | `unauthorized` / `forbidden` / `not_found` | `REQUEST: … (HTTP 4xx): TEXT` |
/// | other HTTP status | `http_status` | `REQUEST: …` |
public struct EngineErrorMapping: Sendable {
    /// What differs between kinds in the mapping's messages.
    public struct Wording: Sendable, Hashable {
        /// The message part of a 401, after `REQUEST: ` and before the engine's text: oVirt's
        /// `the engine rejected the session (HTTP 401) even after a fresh login`.
        public var unauthorized: String
        /// How the `max_response_bytes` limit is written.
        public var byteCount: ByteCountStyle

        public init(unauthorized: String, byteCount: ByteCountStyle) {
            self.unauthorized = unauthorized
            self.byteCount = byteCount
        }
    }

    /// How a number of bytes is written in a message.
    public struct ByteCountStyle: Sendable, Hashable {
        private enum Style: Hashable { case bytes, mebibytes }
        private let style: Style

        /// `268435456 bytes`.
        public static let bytes = ByteCountStyle(style: .bytes)
        /// `268435456 bytes (256 MiB)` from 1 MiB on, `1000 bytes` below.
        public static let withMebibytes = ByteCountStyle(style: .mebibytes)

        /// `bytes` written in this style.
        public func text(_ bytes: Int) -> String {
            guard style == .mebibytes, bytes >= 1 << 20 else { return "\(bytes) bytes" }
            let mebibytes = Double(bytes) / Double(1 << 20)
            let number = mebibytes.rounded() == mebibytes ? "\(Int(mebibytes))" : String(format: "%.1f", mebibytes)
            return "\(bytes) bytes (\(number) MiB)"
        }
    }

    /// The engine's name from the configuration (the host and port for `aggregator trust`).
    public var engine: String
    /// `host:port` of the engine, named in transport failures.
    public var hostPort: String
    /// `connect_timeout`, named when a connection is not made in time.
    public var connectTimeout: Duration
    /// `request_timeout`, named when an answer does not come in time.
    public var requestTimeout: Duration
    /// `max_response_bytes`, named in the error for a larger answer.
    public var maxResponseBytes: Int
    /// The kind's phrasing.
    public var wording: Wording

    /// - Parameters:
    ///   - engine: The engine's name, which every error carries.
    ///   - endpoints: The engine's URLs; errors name their ``EngineEndpoints/hostPort``.
    ///   - connectTimeout: The engine's `connect_timeout`.
    ///   - requestTimeout: The engine's `request_timeout`.
    ///   - maxResponseBytes: The engine's `max_response_bytes`. Defaults to 256 MiB.
    ///   - wording: The kind's phrasing.
    public init(engine: String, endpoints: EngineEndpoints, connectTimeout: Duration, requestTimeout: Duration,
                maxResponseBytes: Int = BackendConfiguration.defaultMaxResponseBytes, wording: Wording) {
        self.engine = engine
        self.hostPort = endpoints.hostPort
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.wording = wording
    }

    /// A transport failure (no HTTP answer).
    /// - Parameter timeout: The call's own timeout when it had one (it is named instead of `request_timeout`).
    public func transport(_ error: HTTPClientError, timeout: Duration? = nil) -> BackendError {
        let target = hostPort
        switch error.code {
        case .connectionRefused:
            return BackendError(.connectionRefused, engine: engine, message: "connection refused by \(target)")
        case .hostNotFound:
            let host = EngineEndpoints.host(of: target)
            return BackendError(.hostNotFound, engine: engine,
                                message: "host name '\(host)' does not resolve (\(error.message))")
        case .connectTimeout:
            return BackendError(.timeout, engine: engine,
                                message: "no connection to \(target) within \(connectTimeout.milliseconds) ms (connect_timeout)")
        case .timeout:
            let (limit, option) = timeout.map { ($0, "this call's timeout") } ?? (requestTimeout, "request_timeout")
            return BackendError(.timeout, engine: engine,
                                message: "no answer from \(target) within \(limit.milliseconds) ms (\(option))")
        case .tls:
            return BackendError(.tls, engine: engine,
                                message: "TLS: \(error.message) (set ca_file, or run `aggregator trust \(engine)`)")
        case .responseTooLarge:
            return BackendError(.responseTooLarge, engine: engine,
                                message: "the answer from \(target) is larger than \(wording.byteCount.text(maxResponseBytes)) "
                                    + "(max_response_bytes); it was cut off there. Raise max_response_bytes for "
                                    + "engine '\(engine)' if its answers really are that large")
        case .shutdown:
            return BackendError(.transport, engine: engine, message: "the backend has been shut down")
        case .invalidURL:
            return BackendError(.transport, engine: engine, message: "invalid engine URL: \(error.message)")
        default:
            return BackendError(.transport, engine: engine, message: "\(error.message) (\(target))")
        }
    }

    /// A non-2xx answer to `request`.
    ///
    /// - Parameters:
    ///   - status: The HTTP status.
    ///   - request: `GET /api2/json/cluster/resources`, never with a query string.
    ///   - engineText: What the engine said about the failure, appended to 401, 403 and 404 messages.
    ///   - otherwise: The message after `REQUEST: ` for any other status (`HTTP 409 Conflict: …`).
    public func status(_ status: Int, request: String, engineText: String?, otherwise: String) -> BackendError {
        let suffix = engineText.map { ": \($0)" } ?? ""
        switch status {
        case 401:
            return BackendError(.unauthorized, engine: engine, message: "\(request): \(wording.unauthorized)\(suffix)",
                                httpStatus: status)
        case 403:
            return BackendError(.forbidden, engine: engine, message: "\(request): permission denied (HTTP 403)\(suffix)",
                                httpStatus: status)
        case 404:
            return BackendError(.notFound, engine: engine, message: "\(request): not found (HTTP 404)\(suffix)",
                                httpStatus: status)
        default:
            return BackendError(.httpStatus, engine: engine, message: "\(request): \(otherwise)", httpStatus: status)
        }
    }

    /// An answer that should have been a document of some shape (`expected`) but was not.
    ///
    /// - Parameters:
    ///   - body: The answer; only whether it is empty is used here.
    ///   - snippet: The kind's excerpt of the body, quoted after `got:`.
    ///   - detail: Why decoding failed (`missing 'id' at vm[0]`), in parentheses.
    public func invalid(_ body: [UInt8], expected: String, request: String, snippet: String?,
                        detail: String?) -> BackendError {
        var message = "\(request): expected \(expected)"
        if body.isEmpty {
            message += ", got an empty body"
        } else if let snippet {
            message += ", got: \(snippet)"
        }
        if let detail { message += " (\(detail))" }
        return BackendError(.invalidResponse, engine: engine, message: message)
    }
}
