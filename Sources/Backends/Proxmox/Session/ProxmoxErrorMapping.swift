import AggregatorCore
import BackendSupport
import EngineHTTP
import Foundation

/// Turns transport failures and engine answers into ``BackendError`` values an operator can act on:
/// the shared ``EngineErrorMapping`` with what Proxmox VE says in its answers.
///
/// Proxmox VE puts its error text in the status line's reason phrase
/// (`HTTP/1.1 500 unable to find configuration file for VM 100`) and, for parameter errors, in the
/// body's `errors` object (`{"data":null,"errors":{"storage":"storage 'x' does not exist"}}`); both
/// reach the message. Messages name the engine's address or the API path, never a query string,
/// ticket, token or password.
struct ProxmoxErrorMapping: KindErrorMapping {
    static let wording = EngineErrorMapping.Wording(
        unauthorized: "the engine rejected the credentials (HTTP 401)", byteCount: .bytes)

    let shared: EngineErrorMapping

    /// A non-2xx answer to `request` (`GET /api2/json/cluster/resources`, never with a query string).
    func status(_ response: HTTPResponse, request: String) -> BackendError {
        let text = Self.engineText(response)
        return shared.status(response.status, request: request, engineText: text,
                             otherwise: "HTTP \(response.status)" + (text.map { ": \($0)" } ?? ""))
    }

    /// An answer that should have been JSON of some shape but was not.
    func invalid(_ body: [UInt8], expected: String, request: String, error: (any Error)? = nil) -> BackendError {
        shared.invalid(body, expected: expected, request: request, snippet: Self.snippet(body),
                       detail: (error as? DecodingError).flatMap(Self.describe))
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

    /// `at .data[0].vmid: …`, or the decoder's text alone at the top.
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
}
