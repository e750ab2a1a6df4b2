import EngineHTTP
import Foundation
import Testing

@Suite("What a response tells beyond status and body")
struct ResponseDetailsTests {
    @Test("the status line's reason phrase is kept", .timeLimit(.minutes(1)))
    func reasonPhrase() async throws {
        try await withTestServer { server in
            try await HTTPClient.withHTTPClient { client in
                let custom = try await client.execute(HTTPRequest(url: server.url("/reason")))
                #expect(custom.status == 595)
                #expect(custom.reasonPhrase == "Errors during connection establishment, proxy handshake")
                let plain = try await client.execute(HTTPRequest(url: server.url("/hello")))
                #expect(plain.reasonPhrase == "OK")
                #expect(plain.peerCertificates.isEmpty, "nothing is captured unless asked")
            }
        }
    }

    @Test("the certificates a TLS server presents, leaf first, on request", .timeLimit(.minutes(1)))
    func peerCertificates() async throws {
        try await withTLSTestServer { port in
            var configuration = HTTPClientConfiguration()
            configuration.insecure = true
            try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                var request = HTTPRequest(url: "https://127.0.0.1:\(port)/hello")
                request.capturePeerCertificates = true
                let response = try await client.execute(request)
                #expect(response.status == 200)
                #expect(response.peerCertificates.count == 2)
                let ders = response.peerCertificates.flatMap(CertificateTools.pemBlocks)
                #expect(ders.count == 2)
                #expect(ders.last.map(CertificateTools.sha256Fingerprint) == TLSFixtures.caFingerprint)
            }
            // The captured CA verifies the server from then on.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString).pem")
            try Data(TLSFixtures.caPEM.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            var verified = HTTPClientConfiguration()
            verified.caFile = file.path
            try await HTTPClient.withHTTPClient(configuration: verified) { client in
                let response = try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(port)/hello"))
                #expect(response.bodyText == "hello")
            }
        }
    }
}
