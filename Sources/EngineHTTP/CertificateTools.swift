import Crypto

/// Helpers for pinning an engine's CA: splitting PEM files and computing fingerprints.
///
/// ```swift
/// for der in CertificateTools.pemBlocks(pemText) {
///     print(CertificateTools.sha256Fingerprint(der: der))   // "AB:CD:...:EF"
/// }
/// ```
public enum CertificateTools {
    /// The DER bytes of each `CERTIFICATE` block in a PEM text, in order.
    ///
    /// Other block types (keys, `TRUSTED CERTIFICATE`, ...) and blocks whose base64 is invalid are skipped.
    /// Header lines inside a block (`Key: value`) are ignored.
    ///
    /// - Parameter pem: PEM text, possibly with several blocks and text between them.
    /// - Returns: One DER byte array per certificate.
    public static func pemBlocks(_ pem: String) -> [[UInt8]] {
        var blocks: [[UInt8]] = []
        var base64: [UInt8]? = nil
        for rawLine in pem.split(whereSeparator: \.isNewline) {
            let line = Transfer.trimmed(rawLine)
            if line == "-----BEGIN CERTIFICATE-----" {
                base64 = []
            } else if line == "-----END CERTIFICATE-----" {
                if let text = base64, let der = Base64.decode(text), !der.isEmpty {
                    blocks.append(der)
                }
                base64 = nil
            } else if base64 != nil, !line.contains(":") {
                base64! += Array(line.utf8)
            }
        }
        return blocks
    }

    /// One certificate as a PEM `CERTIFICATE` block (base64 in 64-character lines, ending in a newline).
    ///
    /// Writing the block made from the DER bytes whose fingerprint was shown, rather than the text
    /// as served, guarantees that exactly that certificate is stored: nothing the server put before,
    /// between or after its blocks comes along.
    ///
    /// - Parameter der: The certificate's DER bytes.
    /// - Returns: `-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----\n`.
    public static func pem(der: [UInt8]) -> String {
        let encoded = Base64.encode(der)
        var lines = ["-----BEGIN CERTIFICATE-----"]
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 64, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        lines.append("-----END CERTIFICATE-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The SHA-256 fingerprint of a DER certificate, as uppercase hex pairs joined by colons.
    ///
    /// - Parameter der: The certificate's DER bytes (for example from ``pemBlocks(_:)``).
    /// - Returns: A string such as `"AB:CD:…"` (95 characters), as `openssl x509 -fingerprint -sha256` prints it.
    public static func sha256Fingerprint(der: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        return SHA256.hash(data: der)
            .map { byte in String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]) }
            .joined(separator: ":")
    }
}

/// Base64 (RFC 4648, standard alphabet); decoding tolerates whitespace.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var chunk = UInt32(bytes[index]) << 16
            if count > 1 { chunk |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { chunk |= UInt32(bytes[index + 2]) }
            for position in 0..<4 {
                if position <= count {
                    output.append(alphabet[Int((chunk >> UInt32(18 - 6 * position)) & 0x3F)])
                } else {
                    output.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }


    static func decode(_ text: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        for character in text {
            let value: UInt32
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(character - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(character - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(character - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                continue
            default:
                return nil
            }
            if padding > 0 {
                return nil  // data after padding
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard padding <= 2, bits < 6 else {
            return nil
        }
        return output
    }
}
