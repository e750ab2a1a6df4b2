import Testing

@testable import EngineHTTP

@Suite("Certificate fingerprints and PEM helpers", .timeLimit(.minutes(1)))
struct CertificateToolsTests {
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
