import Testing

@testable import EngineHTTP

@Suite("SHA-256 and PEM helpers", .timeLimit(.minutes(1)))
struct CertificateToolsTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (String(repeating: "a", count: 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (String(repeating: "a", count: 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (String(repeating: "a", count: 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    ])
    func sha256MatchesKnownVectors(message: String, digest: String) {
        #expect(hex(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test
    func sha256OfOneMillionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(hex(SHA256.hash(message)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test
    func fingerprintIsUppercaseHexWithColons() {
        let fingerprint = CertificateTools.sha256Fingerprint(der: Array("abc".utf8))
        #expect(fingerprint == "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD")
    }

    /// Fingerprints as printed by `openssl x509 -noout -fingerprint -sha256` for the fixtures.
    @Test
    func pemBundleYieldsEachCertificateAndItsFingerprint() {
        let bundle = "Some leading text\n" + certificateA + "\n" + publicKey + "\r\n" + certificateB.replacingNewlinesWithCRLF()
        let blocks = CertificateTools.pemBlocks(bundle)
        #expect(blocks.count == 2)
        #expect(blocks.first?.first == 0x30)  // DER SEQUENCE
        #expect(blocks.map(CertificateTools.sha256Fingerprint(der:)) == [
            "7A:08:31:FF:C8:C2:8E:3F:C9:3C:4B:A9:D4:4C:0A:F0:BA:EE:E2:C8:01:3C:90:1D:83:44:EB:35:DC:95:2A:83",
            "EF:51:91:38:73:A8:05:87:10:EB:ED:38:8C:81:66:C8:D8:58:C9:22:00:06:43:DA:52:B1:66:C9:66:45:7E:DE",
        ])
    }

    @Test(arguments: [
        "",
        "no pem here",
        "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nMIIB\n",
        "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
    ])
    func malformedPEMYieldsNoCertificates(pem: String) {
        #expect(CertificateTools.pemBlocks(pem).isEmpty)
    }

    @Test(arguments: [
        ("TWFu", [0x4d, 0x61, 0x6e]),
        ("TWE=", [0x4d, 0x61]),
        ("TQ==", [0x4d]),
        ("TW\nFu", [0x4d, 0x61, 0x6e]),
    ] as [(String, [UInt8])])
    func base64Decodes(text: String, bytes: [UInt8]) {
        #expect(Base64.decode(Array(text.utf8)) == bytes)
    }

    @Test(arguments: ["TQ=a", "T$==", "TQ==="])
    func base64RejectsGarbage(text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil)
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
}

extension String {
    fileprivate func replacingNewlinesWithCRLF() -> String {
        self.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }
}

private let certificateA = """
-----BEGIN CERTIFICATE-----
MIIBfDCCASOgAwIBAgIUAf4h7nqR8wwhVpWUEc+PE/zxgoYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJdGVzdC1jYS1hMB4XDTI2MTEyOTAwNDIwOFoXDTM2MTEyNjAw
NDIwOFowFDESMBAGA1UEAwwJdGVzdC1jYS1hMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEvIBwhvCMNZ/PCb0Z9bdO444eRcWn58XV847btIQ0CGM/v6tdzoiDy2mp
eyGYuqVHYp34hdAveHPbTlGBfceuCaNTMFEwHQYDVR0OBBYEFFsFEpko2IJSaXz2
AQqQF1VCyipOMB8GA1UdIwQYMBaAFFsFEpko2IJSaXz2AQqQF1VCyipOMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgDPIVv4ULvhPNkEFp1eW/MiUy
wQexTSEGTHz6WoShw9gCIAbeP8OsemDSaEXnytS/sqw+3b2CsoOOc1a/CWubyz1M
-----END CERTIFICATE-----
"""

private let certificateB = """
-----BEGIN CERTIFICATE-----
MIIBfTCCASOgAwIBAgIUEHOw3uSoB/y1jD+kEXBq651ZggEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJdGVzdC1jYS1iMB4XDTI2MTEyOTAwNDIwOFoXDTM2MTEyNjAw
NDIwOFowFDESMBAGA1UEAwwJdGVzdC1jYS1iMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEfTVGWbfOdaCX7tWP7Y9v0IiUtDkc4Lj5qxaJmH1fgg25tfJ5aD9E+otk
u9z5/si7tZ4zso1rWsK+w/snUE6YzaNTMFEwHQYDVR0OBBYEFKRvgdbXLymRVp0q
nLsM5GIq0Q5eMB8GA1UdIwQYMBaAFKRvgdbXLymRVp0qnLsM5GIq0Q5eMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgBm1ck+wReHKNVnKL3ptlK7RU
GNLUN9zrcvzneHul94ICIQDWHQS120YxOGgOnAEQMIzPz3kkxG6k++5XKX+Vkbsl
TQ==
-----END CERTIFICATE-----
"""

private let publicKey = """
-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvIBwhvCMNZ/PCb0Z9bdO444eRcWn
58XV847btIQ0CGM/v6tdzoiDy2mpeyGYuqVHYp34hdAveHPbTlGBfceuCQ==
-----END PUBLIC KEY-----
"""
