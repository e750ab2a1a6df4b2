import AggregatorCore
import EngineHTTP
import Foundation
import ProxmoxSimulator
import Testing

@testable import ProxmoxBackend

/// A throwaway test PKI (a CA and a leaf for 127.0.0.1 signed by it); it protects nothing.
private enum TestPKI {
    /// Leaf first, then the CA, as pveproxy sends a node certificate with its cluster CA.
    static let chainPEM = """
-----BEGIN CERTIFICATE-----
MIIBhTCCASugAwIBAgIUeMdnl5Ozbe09F4y0/y4D8mP8MZEwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPVGVzdCBDbHVzdGVyIENBMCAXDTI2MTIwMjE1Mzg0M1oYDzIx
MjYxMTA4MTUzODQzWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAATCR660tQQnJv6Nrt6QsFRIm0COM4OP+31ovxNOklfLuEM6
4bKbypugXHu3C14aVXGrvgg7M8UDc9lJWeyaw0MNo1MwUTAPBgNVHREECDAGhwR/
AAABMB0GA1UdDgQWBBSjFn8Z6b6tyaA1dP/3lWwiwKmZmzAfBgNVHSMEGDAWgBQo
uPi7OMA3CdSdhboZtCRgUUhbEDAKBggqhkjOPQQDAgNIADBFAiAbAQDJ1z6Vhfwg
uI0kczCV1hRHggQNbaS0XlkjfDU8TwIhAP5rGwmAJYVd4A8sAdLfb0QuFR/J1bYV
OFbXw+1mVYzT
-----END CERTIFICATE-----
-----BEGIN CERTIFICATE-----
MIIBiTCCATGgAwIBAgIUPiFVgwrc9Jms4SvZhXeyI/kOSoswCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPVGVzdCBDbHVzdGVyIENBMCAXDTI2MTIwMjE1Mzg0M1oYDzIx
MjYxMTA4MTUzODQzWjAaMRgwFgYDVQQDDA9UZXN0IENsdXN0ZXIgQ0EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAARvPkELZrWexEiugpViVmBN0AOuZ46HxIQJAdh9
5RmjHsMIy8yBJV3+ItBlWNxwFn8fyboKmIRsRhoyyhOAkNrMo1MwUTAdBgNVHQ4E
FgQUKLj4uzjANwnUnYW6GbQkYFFIWxAwHwYDVR0jBBgwFoAUKLj4uzjANwnUnYW6
GbQkYFFIWxAwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNGADBDAh8JNoON
v1sctvmsaMt9KEWp6P4M0qN/DOcfzFm1Xwv0AiBacOeiKT/kr6ObuX1/u3VM6Boq
ehap6KJUxko54tQeVQ==
-----END CERTIFICATE-----
"""

    static let leafKeyPEM = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgaU+WOE1Rfc4qlfJQ
8mTzR3jHKiajSOvTT1MM15MkXjyhRANCAATCR660tQQnJv6Nrt6QsFRIm0COM4OP
+31ovxNOklfLuEM64bKbypugXHu3C14aVXGrvgg7M8UDc9lJWeyaw0MN
-----END PRIVATE KEY-----
"""

    /// SHA-256 fingerprint of the CA.
    static let caFingerprint = "39:14:1D:F5:65:8C:59:72:A3:43:A6:9B:CA:B2:A9:1B:FE:9D:3B:BC:F2:5F:2E:5E:EF:A4:C1:FD:CF:E4:2E:61"
}

@Suite("Proxmox trust: the certificate the API presents")
struct TrustTests {
    @Test("fetches the chain's last certificate without verifying, and it then verifies the cluster",
          .timeLimit(.minutes(1)))
    func trust() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pve-trust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let chain = directory.appendingPathComponent("chain.pem")
        let key = directory.appendingPathComponent("key.pem")
        try Data(TestPKI.chainPEM.utf8).write(to: chain)
        try Data(TestPKI.leafKeyPEM.utf8).write(to: key)

        try await withSimulatedProxmox("pve-tls") { options in
            options.tlsCertificatePath = chain.path
            options.tlsKeyPath = key.path
        } _: { cluster in
            #expect(cluster.apiURL.hasPrefix("https://"))
            var registry = BackendRegistry()
            ProxmoxBackend.register(in: &registry)
            let fetch = try #require(registry.registration(for: ProxmoxBackend.kind)?.fetchCACertificate)
            let pem = try await fetch(.simulated(cluster))
            let ders = CertificateTools.pemBlocks(pem)
            #expect(ders.count == 1)
            #expect(ders.first.map(CertificateTools.sha256Fingerprint) == TestPKI.caFingerprint)

            let pinned = directory.appendingPathComponent("ca.pem")
            try Data(pem.utf8).write(to: pinned)
            var configuration = BackendConfiguration.simulated(cluster)
            configuration.caFile = pinned.path
            try await withProxmoxBackend(configuration) { backend in
                let hosts = try await backend.listHosts()
                #expect(hosts.count == 3)
            }
            // Without the pinned CA the system store does not know it.
            try await withProxmoxBackend(.simulated(cluster)) { backend in
                let error = await #expect(throws: BackendError.self) { _ = try await backend.probe() }
                #expect(error?.code == .tls)
            }
        }
    }

    @Test("a plain http URL has no certificate to trust")
    func plainHTTP() async throws {
        let error = await #expect(throws: BackendError.self) {
            _ = try await ProxmoxBackend.fetchCACertificate(apiURL: "http://127.0.0.1:1/api2/json",
                                                            connectTimeout: .seconds(1), requestTimeout: .seconds(1))
        }
        #expect(error?.code == .tls)
    }
}
