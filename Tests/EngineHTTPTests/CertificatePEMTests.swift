import Testing

@testable import EngineHTTP

@Suite("PEM encoding of one certificate", .timeLimit(.minutes(1)))
struct CertificatePEMTests {
    @Test(arguments: [
        ("", ""), ("M", "TQ=="), ("Ma", "TWE="), ("Man", "TWFu"), ("Many", "TWFueQ=="),
        ("any carnal pleasure.", "YW55IGNhcm5hbCBwbGVhc3VyZS4="),
    ])
    func base64MatchesRFC4648(text: String, encoded: String) {
        #expect(Base64.encode(Array(text.utf8)) == encoded)
        #expect(Base64.decode(Array(encoded.utf8)) == Array(text.utf8))
    }

    @Test("the block holds exactly the DER given, in 64-character lines")
    func roundTrip() {
        let der = (0..<700).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let pem = CertificateTools.pem(der: der)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        #expect(pem.hasSuffix("\n-----END CERTIFICATE-----\n"))
        let lines = pem.split(separator: "\n").dropFirst().dropLast()
        #expect(lines.dropLast().allSatisfy { $0.count == 64 })
        #expect(CertificateTools.pemBlocks(pem) == [der])
    }

    @Test("re-encoding the one certificate of a bundle leaves the others and any text out")
    func onlyTheChosenCertificate() {
        let first: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x01]
        let second: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x02]
        let bundle = "junk\n" + CertificateTools.pem(der: first) + "between\n" + CertificateTools.pem(der: second)
        let blocks = CertificateTools.pemBlocks(bundle)
        #expect(blocks == [first, second])
        #expect(CertificateTools.pemBlocks(CertificateTools.pem(der: blocks[1])) == [second])
    }
}
