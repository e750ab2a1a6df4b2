/// Checks of the network-ish strings operators write: IPv4 addresses, masks, host names.
public enum NetworkText {
    /// Dotted-quad IPv4, each part 0–255 without leading zeros.
    public static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            // Digits only: Int("-55") and Int("+55") parse, but neither is part of an address.
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  let value = Int(part)
            else { return false }
            return value <= 255 && (part.count == 1 || part.first != "0")
        }
    }

    /// The address as a 32-bit number; `address` is one ``isIPv4(_:)`` accepted.
    public static func value(_ address: String) -> UInt32 {
        address.split(separator: ".").reduce(UInt32(0)) { ($0 << 8) | (UInt32($1) ?? 0) }
    }

    /// The prefix length of a contiguous netmask (`255.255.255.192` → 26), nil when not contiguous.
    public static func prefixLength(ofNetmask mask: String) -> Int? {
        let bits = value(mask)
        let ones = bits.nonzeroBitCount
        let expected: UInt32 = ones == 0 ? 0 : ~UInt32(0) << (32 - ones)
        return bits == expected ? ones : nil
    }

    /// Network and broadcast addresses of `address` under `netmask`.
    public static func bounds(address: String, netmask: String) -> (network: UInt32, broadcast: UInt32) {
        let mask = value(netmask)
        let network = value(address) & mask
        return (network, network | ~mask)
    }

    /// A host name: labels of letters, digits, `-` and `_` (RFC 1123 plus the underscore
    /// operators' existing names use), 1–63 characters, 253 in all.
    public static func isHostname(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard (1...63).contains(label.count), label.first != "-", label.last != "-" else { return false }
            return label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }

    /// A Linux interface name: 1–15 characters of letters, digits, `-`, `_`, `.`.
    public static func isInterfaceName(_ name: String) -> Bool {
        (1...15).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
