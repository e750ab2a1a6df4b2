import Foundation

/// The header fields of a JWT that decide whether, and with which key, it is verified; read by
/// ``JWTBearerVerifier`` before any key is touched.
///
/// Decoded with Foundation's `JSONDecoder`, the decoder jwt-kit reads the same header with, so
/// both see the same `alg` and `kid`.
struct JWTHeaderFields: Decodable, Sendable, Equatable {
    /// The signature algorithm the token claims (`alg`).
    var alg: String
    /// The key the token names (`kid`), if any.
    var kid: String?
    /// The token's media type (`typ`), if any: `JWT`, `at+jwt`, ...
    var typ: String?
    /// Header extensions the token says must be understood (`crit`), if any.
    var crit: [String]?

    /// Headers longer than this (base64url characters) are not decoded.
    static let maximumEncodedLength = 8 * 1024

    /// The header of `token` (`header.payload.signature`), or nil when its first part is not
    /// base64url-encoded JSON with a string `alg` (and, when present, a string `kid` and `typ`).
    init?(token: String) {
        guard let end = token.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let encoded = token.utf8[..<end]
        guard !encoded.isEmpty, encoded.count <= Self.maximumEncodedLength,
              let data = Self.base64URLDecoded(Substring(encoded)),
              let header = try? JSONDecoder().decode(Self.self, from: data)
        else { return nil }
        self = header
    }

    /// Base64url without padding (RFC 7515, appendix C) to bytes.
    static func base64URLDecoded(_ text: Substring) -> Data? {
        guard !text.contains("=") else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        switch base64.utf8.count % 4 {
        case 0: break
        case 2: base64 += "=="
        case 3: base64 += "="
        default: return nil
        }
        return Data(base64Encoded: base64)
    }
}
