import AggregatorTesting
import Testing

@Suite("Backend contract against vcsim", .enabled(if: VCSimEngine.program != nil, Comment(rawValue: VCSimEngine.missing)))
struct ContractTests {
    @Test("contract", .timeLimit(.minutes(2)), arguments: BackendContract.checks.map(\.name))
    func contract(check name: String) async throws {
        let check = try #require(BackendContract.check(named: name))
        let violations = await check.run(VSphereContractHarness())
        #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
    }
}
