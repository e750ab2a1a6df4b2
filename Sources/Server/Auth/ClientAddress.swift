import AggregatorCore
import Foundation
import Hummingbird

/// Who the client is: the connected peer, or, when the peer is a trusted reverse proxy, the
/// client its `Forwarded` (RFC 7239) or `X-Forwarded-For` header names.
///
/// The chain of addresses is read from the right (the hop nearest this server): addresses of
/// trusted proxies are skipped and the first other one is the client, so a client cannot pose
/// as someone else by sending its own forwarding header through the proxy. `Forwarded` wins
/// over `X-Forwarded-For` when both are present. From a peer that is not a trusted proxy,
/// forwarding headers are ignored.
enum ClientAddress {
    static let forwarded = HTTPFields.Element.Name("Forwarded")!
    static let xForwardedFor = HTTPFields.Element.Name("X-Forwarded-For")!
    static let xRealIP = HTTPFields.Element.Name("X-Real-IP")!
    static let xForwardedHost = HTTPFields.Element.Name("X-Forwarded-Host")!

    /// True when the request carries any header a proxy sets to pass on the client.
    static func isForwarded(_ headers: HTTPFields) -> Bool {
        headers[forwarded] != nil || headers[xForwardedFor] != nil || headers[xRealIP] != nil
            || headers[xForwardedHost] != nil
    }

    /// The client's address (no port) as the trusted proxies report it, or nil when the peer is
    /// not a trusted proxy or its headers name no usable address.
    static func forwardedClient(peerIP: String?, headers: HTTPFields, trusted: [IPAddressRange]) -> String? {
        guard let peerIP, !trusted.isEmpty, trusted.contains(where: { $0.contains(peerIP) }) else { return nil }
        let chain: [String]
        if headers[forwarded] != nil {
            chain = headers[values: forwarded].flatMap { forwardedFor($0) }
        } else {
            chain = headers[values: xForwardedFor].flatMap { $0.split(separator: ",").map { bareAddress(String($0)) } }
        }
        guard !chain.isEmpty else { return nil }
        for address in chain.reversed() {
            guard IPAddressRange.bytes(of: address) != nil else { return nil }  // `unknown`, obfuscated, garbage
            if !trusted.contains(where: { $0.contains(address) }) { return address }
        }
        return chain.first
    }

    /// The `for=` values of one `Forwarded` header, in order.
    static func forwardedFor(_ header: String) -> [String] {
        header.split(separator: ",").compactMap { element in
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "for" else { continue }
                return bareAddress(String(parts[1]))
            }
            return nil
        }
    }

    /// `192.0.2.1`, `"[2001:db8::1]:4711"`, `"192.0.2.1:80"` → the address alone.
    static func bareAddress(_ raw: String) -> String {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        if text.hasPrefix("[") {
            if let end = text.firstIndex(of: "]") { return String(text[text.index(after: text.startIndex)..<end]) }
            return text
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }
        return text
    }
}
