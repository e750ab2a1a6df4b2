import Foundation

/// Issues and checks login tickets and CSRF prevention tokens in the shapes
/// `PVE::Ticket` gives them:
///
/// - ticket `PVE:root@pam:65A1B2C3::SIGNATURE` (timestamp in upper-case hex,
///   a base64 signature over `PVE:root@pam:65A1B2C3`), valid while its age is
///   above -300 s (clock skew grace) and below the ticket lifetime;
/// - CSRF token `65A1B2C3:SIGNATURE` over `TIMESTAMP:USER`, with the same ages.
///
/// The real cluster signs tickets with RSA and CSRF tokens with HMAC-SHA256;
/// the simulator uses a keyed hash of its own, so tickets are stateless
/// here too. Rotating the key invalidates every ticket and token, as an
/// expired auth key would.
struct TicketAuthority: Sendable {
    private var key: [UInt64]
    let lifetime: Double

    init(lifetime: Duration) {
        self.lifetime = Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18
        self.key = Self.randomKey()
    }

    /// Invalidates every ticket and CSRF token issued so far.
    mutating func rotate() {
        key = Self.randomKey()
    }

    private static func randomKey() -> [UInt64] {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in generator.next() }
    }

    /// `count` bytes of keyed hash over `text`.
    private func mac(_ text: String, count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var round: UInt64 = 0
        while bytes.count < count {
            var hasher = Hasher()
            for word in key { hasher.combine(word) }
            hasher.combine(round)
            hasher.combine(text)
            let value = UInt64(bitPattern: Int64(hasher.finalize()))
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < count {
                bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
            round += 1
        }
        return bytes
    }

    private static func hexTimestamp(_ now: Double) -> String {
        let hex = String(Int(now), radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    private func age(_ hexTimestamp: Substring, now: Double) -> Double? {
        guard hexTimestamp.count == 8, let seconds = Int(hexTimestamp, radix: 16) else { return nil }
        return now - Double(seconds)
    }

    private func ageIsValid(_ age: Double) -> Bool {
        age > -300 && age < lifetime
    }

    /// A new ticket for `user`.
    func ticket(for user: String, now: Double) -> String {
        let escapedUser = user.replacingOccurrences(of: ":", with: "%3A")
        let plain = "PVE:\(escapedUser):\(Self.hexTimestamp(now))"
        return plain + "::" + Data(mac(plain, count: 256)).base64EncodedString()
    }

    /// The user of a valid ticket, nil when it is forged, malformed or too old.
    func verify(ticket: String, now: Double) -> String? {
        guard ticket.hasPrefix("PVE:"), let separator = ticket.range(of: "::", options: .backwards) else { return nil }
        let plain = String(ticket[..<separator.lowerBound])
        let signature = ticket[separator.upperBound...]
        guard signature == Data(mac(plain, count: 256)).base64EncodedString()[...] else { return nil }
        let fields = plain.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 3, let age = age(fields[2], now: now), ageIsValid(age) else { return nil }
        return fields[1].replacingOccurrences(of: "%3A", with: ":")
    }

    /// A CSRF prevention token for `user`.
    func csrfToken(for user: String, now: Double) -> String {
        let timestamp = Self.hexTimestamp(now)
        return timestamp + ":" + Self.base64NoPadding(mac("\(timestamp):\(user)", count: 32))
    }

    /// Whether `token` is a valid CSRF prevention token for `user`.
    func verify(csrfToken token: String, user: String, now: Double) -> Bool {
        let parts = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let age = age(parts[0], now: now), ageIsValid(age) else { return false }
        return parts[1] == Self.base64NoPadding(mac("\(parts[0]):\(user)", count: 32))[...]
    }

    private static func base64NoPadding(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
