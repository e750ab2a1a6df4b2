import Foundation
import Testing

@testable import VSphereBackend

@Suite("aggregator trust on a vCenter", .enabled(if: VCSimEngine.program != nil, Comment(rawValue: VCSimEngine.missing)))
struct TrustTests {
    @Test("the certificate the /sdk endpoint presents is the one the vCenter serves", .timeLimit(.minutes(1)))
    func presentedCertificate() async throws {
        let engine = try await VCSimEngine.start(name: "vc-trust")
        do {
            let fetched = try await VSphereBackend.fetchCACertificate(apiURL: engine.url, connectTimeout: .seconds(5),
                                                                      requestTimeout: .seconds(10))
            let served = try String(contentsOfFile: engine.caFile, encoding: .utf8)
            let body = { (pem: String) in pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined() }
            #expect(body(fetched) == body(served))
        } catch {
            Issue.record("\(error)")
        }
        await engine.stop()
    }
}
