import AggregatorTesting
import Testing

@Suite("Backend contract against pve-sim clusters")
struct ContractTests {
    @Test("contract", .timeLimit(.minutes(1)), arguments: BackendContract.checks.map(\.name))
    func contract(check name: String) async throws {
        let check = try #require(BackendContract.check(named: name))
        let violations = await check.run(ProxmoxContractHarness())
        #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
    }
}
