/// The identifier formats of `PVE::JSONSchema`, written out by hand.
enum Identifiers {
    private static func isAlnum(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }

    /// `[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?` (a node name, one DNS label).
    static func isLabel(_ text: Substring) -> Bool {
        guard let first = text.first, let last = text.last, isAlnum(first), isAlnum(last) else { return false }
        return text.allSatisfy { isAlnum($0) || $0 == "-" }
    }

    /// `pve-node`.
    static func isNodeName(_ text: String) -> Bool { isLabel(Substring(text)) }

    /// `dns-name`: labels joined by dots.
    static func isDNSName(_ text: String) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabel)
    }

    /// `pve-vmid`: `[1-9][0-9]{2,8}`.
    static func isVMID(_ text: String) -> Bool {
        (3...9).contains(text.count) && text.first != "0" && text.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `parse_id` (storage and pool ids): `[a-z][a-z0-9\-\_\.]*[a-z0-9]`, case-insensitive.
    static func isID(_ text: String) -> Bool {
        guard text.count >= 2, let first = text.first, first.isASCII, first.isLetter,
            let last = text.last, isAlnum(last)
        else { return false }
        return text.allSatisfy { isAlnum($0) || "-_.".contains($0) }
    }

    /// `pve-configid`: `[a-z][a-z0-9_]+`.
    static func isConfigID(_ text: String) -> Bool {
        guard text.count >= 2, let first = text.first, first.isASCII, first.isLowercase else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
    }

    /// An IPv4 address in dotted quad form.
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }

    /// A (loosely checked) IPv6 address.
    static func isIPv6(_ text: String) -> Bool {
        text.contains(":") && text.count <= 45
            && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
            && zip(text, text.dropFirst()).filter { $0 == ":" && $1 == ":" }.count <= 1
    }

    /// `ADDRESS/PREFIX` with prefix 8…32 (`pve_verify_cidrv4`).
    static func isCIDRv4(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, isIPv4(String(parts[0])), let prefix = Int(parts[1]) else { return false }
        return prefix > 7 && prefix <= 32
    }

    /// `ADDRESS/PREFIX` with an IPv6 address and prefix 8…128.
    static func isCIDRv6(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, isIPv6(String(parts[0])), let prefix = Int(parts[1]) else { return false }
        return prefix > 7 && prefix <= 128
    }

    /// `mac-addr`: six hex octets, not multicast.
    static func isMAC(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }),
            let first = UInt8(parts[0], radix: 16)
        else { return false }
        return first & 1 == 0
    }

    /// A tag (`pve-tag`): `[a-z0-9_][a-z0-9_\-\+\.]*`, case-insensitive.
    static func isTag(_ text: String) -> Bool {
        guard let first = text.first, isAlnum(first) || first == "_" else { return false }
        return text.allSatisfy { isAlnum($0) || "_-+.".contains($0) }
    }

    /// `PVE::Tools::split_list`: commas, semicolons and whitespace separate.
    static func splitList(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }).map(String.init)
    }
}
