import Foundation
import Testing

@testable import AggregatorCore

/// Inputs the fuzz run found, kept as tests of what the decoder answers instead.
@Suite struct UploadDecoderFuzzFindingsTests {
    let decoder = ProvisioningRequestDecoder(engines: ["e15-test"], kind: "ovirt")

    /// `Int("-55")` parses, so "-55.255.255.192" passed as an address and then stopped the process
    /// when turned into a number.
    @Test(arguments: ["netmask", "address", "gateway"], ["-55.255.255.192", "+10.105.249.51", "10.-1.249.51"])
    func aSignedPartIsNotAnIPv4Address(field: String, text: String) throws {
        var item = try ProvisioningRequestDecoderTests.seedItem()
        var vm = item["vm"] as! [String: Any]
        vm[field] = text
        item["vm"] = vm
        let bytes = Array(try JSONSerialization.data(withJSONObject: [item]))
        do {
            _ = try decoder.decode(bytes, action: .createVM)
            Issue.record("decoded")
        } catch {
            #expect(error.issues.contains { $0.path == "[0].vm.\(field)" && $0.message.contains("is not an IPv4 address") })
        }
        #expect(!NetworkText.isIPv4(text))
    }
}
