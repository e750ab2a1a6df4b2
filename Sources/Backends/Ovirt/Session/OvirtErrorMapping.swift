import AggregatorCore
import BackendSupport
import EngineHTTP
import Foundation

/// Turns transport failures and engine answers into ``BackendError`` values an operator can act on:
/// the shared ``EngineErrorMapping`` with what oVirt says in its answers (a JSON or XML `<fault>`,
/// HTML pages of a proxy in front of the engine).
///
/// Messages name the engine's address or the API path, never a query string, token or password.
struct OvirtErrorMapping: KindErrorMapping {
    static let wording = EngineErrorMapping.Wording(
        unauthorized: "the engine rejected the session (HTTP 401) even after a fresh login", byteCount: .withMebibytes)

    let shared: EngineErrorMapping

    /// A non-2xx answer to `request` (`GET /ovirt-engine/api/vms`, never with a query string).
    func status(_ response: HTTPResponse, request: String) -> BackendError {
        let fault = Self.faultText(response.body)
        return shared.status(response.status, request: request, engineText: fault,
                             otherwise: Self.statusText(response.status, body: response.body, fault: fault))
    }

    /// An answer that should have been JSON of some shape but was not.
    func invalid(_ body: [UInt8], expected: String, request: String, error: (any Error)? = nil) -> BackendError {
        var detail: String?
        if let error = error as? DecodingError {
            detail = Self.describe(error)
        } else if let error = error as? OvirtJSONError {
            detail = "\(error)"
        }
        return shared.invalid(body, expected: expected, request: request, snippet: Self.snippet(body), detail: detail)
    }

    // MARK: - Body helpers

    /// `HTTP 409 Conflict: Operation Failed: [detail]`, `HTTP 502 Bad Gateway`, or the status with a body snippet.
    static func statusText(_ status: Int, body: [UInt8], fault: String?) -> String {
        var text = "HTTP \(status)"
        if let phrase = HTTPReasonPhrase.of(status) { text += " \(phrase)" }
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

    /// `missing 'id' at vm[0]`, or the decoder's text with the path.
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
}
