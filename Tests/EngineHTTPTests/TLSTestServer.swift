import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL

/// A throwaway test PKI: a CA and a leaf for 127.0.0.1 signed by it (P-256, valid for a century).
/// Made for these tests only; it protects nothing.
enum TLSFixtures {
    /// Leaf first, then the CA, as a server sends its chain.
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

    static let caPEM = """
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

    /// `openssl x509 -in ca.pem -noout -fingerprint -sha256` of ``caPEM``.
    static let caFingerprint = "39:14:1D:F5:65:8C:59:72:A3:43:A6:9B:CA:B2:A9:1B:FE:9D:3B:BC:F2:5F:2E:5E:EF:A4:C1:FD:CF:E4:2E:61"
}

private struct TLSServerDidNotStart: Error {}

/// Runs `body` against an HTTPS server on a free loopback port serving ``TLSFixtures/chainPEM``,
/// stopping it afterwards whether `body` succeeds or throws.
func withTLSTestServer<Result: Sendable>(_ body: @Sendable (Int) async throws -> Result) async throws -> Result {
    let router = Router()
    router.get("hello") { _, _ in "hello" }
    let chain = try NIOSSLCertificate.fromPEMBytes(Array(TLSFixtures.chainPEM.utf8))
    let key = try NIOSSLPrivateKey(bytes: Array(TLSFixtures.leafKeyPEM.utf8), format: .pem)
    let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                       privateKey: .privateKey(key))
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router,
        server: try .tls(.http1(), tlsConfiguration: tls),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            if let port = channel.localAddress?.port { continuation.yield(port) }
            continuation.finish()
        },
        logger: Logger(label: "EngineHTTPTests.tls", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await app.runService()
        }
        defer { group.cancelAll() }
        guard let port = await ports.first(where: { _ in true }) else { throw TLSServerDidNotStart() }
        return try await body(port)
    }
}
