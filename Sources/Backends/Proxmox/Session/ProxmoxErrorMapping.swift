import AggregatorCore
import EngineHTTP
import Foundation

/// Turns transport failures and engine answers into ``BackendError`` values an operator can act on.
///
/// Proxmox VE puts its error text in the status line's reason phrase
/// (`HTTP/1.1 500 unable to find configuration file for VM 100`) and, for parameter errors, in the
/// body's `errors` object (`{"data":null,"errors":{"storage":"storage 'x' does not exist"}}`); both
/// reach the message. Messages name the engine's address or the API path, never a query string,
/// ticket, token or password.
struct ProxmoxErrorMapping: Sendable {
    let engine: String
    let endpoints: ProxmoxEndpoints
    let connectTimeout: Duration
    let requestTimeout: Duration
    var maxResponseBytes: Int = BackendConfiguration.defaultMaxResponseBytes

    /// A transport failure (no HTTP answer).
    func transport(_ error: HTTPClientError, timeout: Duration? = nil) -> BackendError {
        let target = endpoints.hostPort
        switch error.code {
        case .connectionRefused:
            return BackendError(.connectionRefused, engine: engine, message: "connection refused by \(target)")
        case .hostNotFound:
            let host = target.split(separator: ":").dropLast().joined(separator: ":")
            return BackendError(.hostNotFound, engine: engine,
                                message: "host name '\(host)' does not resolve (\(error.message))")
        case .connectTimeout:
            return BackendError(.timeout, engine: engine,
                                message: "no connection to \(target) within \(Self.ms(connectTimeout)) ms (connect_timeout)")
        case .timeout:
            let (limit, option) = timeout.map { ($0, "this call's timeout") } ?? (requestTimeout, "request_timeout")
            return BackendError(.timeout, engine: engine,
                                message: "no answer from \(target) within \(Self.ms(limit)) ms (\(option))")
        case .tls:
            return BackendError(.tls, engine: engine,
                                message: "TLS: \(error.message) (set ca_file, or run `aggregator trust \(engine)`)")
        case .responseTooLarge:
            return BackendError(.responseTooLarge, engine: engine,
                                message: "the answer from \(target) is larger than \(maxResponseBytes) bytes "
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

    /// A non-2xx answer to `request` (`GET /api2/json/cluster/resources`, never with a query string).
    func status(_ response: HTTPResponse, request: String) -> BackendError {
        let text = Self.engineText(response)
        let status = response.status
        let suffix = text.map { ": \($0)" } ?? ""
        switch status {
        case 401:
            return BackendError(.unauthorized, engine: engine,
                                message: "\(request): the engine rejected the credentials (HTTP 401)\(suffix)",
                                httpStatus: status)
        case 403:
            return BackendError(.forbidden, engine: engine, message: "\(request): permission denied (HTTP 403)\(suffix)",
                                httpStatus: status)
        case 404:
            return BackendError(.notFound, engine: engine, message: "\(request): not found (HTTP 404)\(suffix)",
                                httpStatus: status)
        default:
            return BackendError(.httpStatus, engine: engine, message: "\(request): HTTP \(status)\(suffix)",
                                httpStatus: status)
        }
    }

    /// An answer that should have been JSON of some shape but was not.
    func invalid(_ body: [UInt8], expected: String, request: String, error: (any Error)? = nil) -> BackendError {
        var message = "\(request): expected \(expected)"
        if body.isEmpty {
            message += ", got an empty body"
        } else if let snippet = Self.snippet(body) {
            message += ", got: \(snippet)"
        }
        if let error = error as? DecodingError, let detail = Self.describe(error) {
            message += " (\(detail))"
        }
        return BackendError(.invalidResponse, engine: engine, message: message)
    }

    // MARK: - Body helpers

    private struct ErrorBody: Decodable {
        var message: String?
        var errors: [String: String]?
    }

    /// The engine's text for a failed call: the body's `message` (pve-http-server's JSON formatter
    /// writes it for every error), else the status line's reason phrase (where older servers and
    /// body-less answers such as authentication failures carry it); then each parameter error
    /// (`storage: storage 'x' does not exist`). Nil when there is none.
    static func engineText(_ response: HTTPResponse) -> String? {
        var parts: [String] = []
        let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
        if let message = body?.message?.trimmingWhitespace(), !message.isEmpty {
            parts.append(message)
        } else if let reason = response.reasonPhrase?.trimmingWhitespace(), !reason.isEmpty {
            parts.append(reason)
        }
        if let body {
            for (key, value) in (body.errors ?? [:]).sorted(by: { $0.key < $1.key }) {
                parts.append("\(key): \(value.trimmingWhitespace())")
            }
        } else if let snippet = snippet(response.body) {
            parts.append(snippet)
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// A short, single-line excerpt of a body for messages, or nil if empty.
    static func snippet(_ body: [UInt8], limit: Int = 300) -> String? {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ").trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    static func describe(_ error: DecodingError) -> String? {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
             .dataCorrupted(let context):
            let at = path(context)
            return at.isEmpty ? context.debugDescription : "at \(at): \(context.debugDescription)"
        @unknown default:
            return nil
        }
    }

    static func ms(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
