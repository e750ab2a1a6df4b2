import AggregatorCore
import EngineHTTP
import Foundation

/// Turns transport failures and engine answers into ``BackendError`` values an operator can act on.
///
/// Messages name the engine's address or the API path, never a query string, token or password.
struct OvirtErrorMapping: Sendable {
    let engine: String
    let endpoints: OvirtEndpoints
    let connectTimeout: Duration
    let requestTimeout: Duration
    /// The engine's `max_response_bytes`, named in the error for a larger answer.
    var maxResponseBytes: Int = 256 << 20

    /// A transport failure (no HTTP answer).
    func transport(_ error: HTTPClientError) -> BackendError {
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
                                message: "no connection to \(target) within \(connectTimeout.milliseconds) ms (connect_timeout)")
        case .timeout:
            return BackendError(.timeout, engine: engine,
                                message: "no answer from \(target) within \(requestTimeout.milliseconds) ms (request_timeout)")
        case .tls:
            return BackendError(.tls, engine: engine,
                                message: "TLS: \(error.message) (set ca_file, or run `aggregator trust \(engine)`)")
        case .responseTooLarge:
            return BackendError(.responseTooLarge, engine: engine,
                                message: "the answer from \(target) is larger than \(Self.byteCount(maxResponseBytes)) "
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

    /// A non-2xx answer to `request` (`GET /ovirt-engine/api/vms`, never with a query string).
    func status(_ response: HTTPResponse, request where_: String) -> BackendError {
        let fault = Self.faultText(response.body)
        let status = response.status
        switch status {
        case 401:
            return BackendError(.unauthorized, engine: engine,
                                message: "\(where_): the engine rejected the session (HTTP 401) even after a fresh login"
                                    + (fault.map { ": \($0)" } ?? ""),
                                httpStatus: status)
        case 403:
            return BackendError(.forbidden, engine: engine,
                                message: "\(where_): permission denied (HTTP 403)" + (fault.map { ": \($0)" } ?? ""),
                                httpStatus: status)
        case 404:
            return BackendError(.notFound, engine: engine,
                                message: "\(where_): not found (HTTP 404)" + (fault.map { ": \($0)" } ?? ""),
                                httpStatus: status)
        default:
            return BackendError(.httpStatus, engine: engine,
                                message: "\(where_): " + Self.statusText(status, body: response.body, fault: fault),
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
        } else if let error = error as? OvirtJSONError {
            message += " (\(error))"
        }
        return BackendError(.invalidResponse, engine: engine, message: message)
    }

    /// `268435456 bytes (256 MiB)`, or just the bytes below 1 MiB.
    static func byteCount(_ bytes: Int) -> String {
        guard bytes >= 1 << 20 else { return "\(bytes) bytes" }
        let mebibytes = Double(bytes) / Double(1 << 20)
        let text = mebibytes.rounded() == mebibytes ? "\(Int(mebibytes))" : String(format: "%.1f", mebibytes)
        return "\(bytes) bytes (\(text) MiB)"
    }

    // MARK: - Body helpers

    /// `HTTP 409 Conflict: Operation Failed: [detail]`, `HTTP 502 Bad Gateway`, or the status with a body snippet.
    static func statusText(_ status: Int, body: [UInt8], fault: String?) -> String {
        var text = "HTTP \(status)"
        if let phrase = reasonPhrase(status) { text += " \(phrase)" }
        if let fault {
            text += ": \(fault)"
        } else if let snippet = snippet(body) {
            text += ": \(snippet)"
        }
        return text
    }

    /// The engine's fault text from a JSON `{"reason","detail"}` or XML `<fault>` body, if it is one.
    static func faultText(_ body: [UInt8]) -> String? {
        guard let first = body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            return nil
        }
        if first == UInt8(ascii: "{") {
            guard let fault = try? JSONDecoder().decode(OvirtFault.self, from: Data(body)) else { return nil }
            return fault.text
        }
        if first == UInt8(ascii: "<") {
            let text = String(decoding: body, as: UTF8.self)
            guard text.contains("<fault") else { return nil }
            let fault = OvirtFault(reason: xmlElement("reason", in: text), detail: xmlElement("detail", in: text))
            return fault.text
        }
        return nil
    }

    /// The text of the first `<name>…</name>` element, entities decoded.
    static func xmlElement(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"),
              let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return xmlUnescape(String(text[open.upperBound..<close.lowerBound]))
    }

    static func xmlUnescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// A short, single-line excerpt of a body for messages (tags of HTML pages stripped), or nil if empty.
    static func snippet(_ body: [UInt8], limit: Int = 160) -> String? {
        var text = String(decoding: body.prefix(4096), as: UTF8.self)
        if text.contains("<") {
            var stripped = ""
            var inTag = false
            for character in text {
                if character == "<" { inTag = true; stripped.append(" "); continue }
                if character == ">" { inTag = false; continue }
                if !inTag { stripped.append(character) }
            }
            text = stripped
        }
        let collapsed = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !collapsed.isEmpty else { return nil }
        if collapsed.count <= limit { return "'\(collapsed)'" }
        return "'\(collapsed.prefix(limit))…'"
    }

    static func describe(_ error: DecodingError) -> String? {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)"
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context.debugDescription.prefix(120) + path(context)
        case .keyNotFound(let key, let context):
            return "missing '\(key.stringValue)'" + path(context)
        @unknown default:
            return nil
        }
    }

    static func reasonPhrase(_ status: Int) -> String? {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 415: "Unsupported Media Type"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: nil
        }
    }
}
