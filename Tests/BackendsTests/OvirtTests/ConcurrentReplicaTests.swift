import AggregatorCore
import AggregatorTesting
import Logging
import OvirtSimulator
import Testing

@testable import OvirtBackend

/// Two replicas (two backends, each with its own in-process network lock) set up the same new VLAN
/// at the same moment: the one whose write the engine refuses with 409 because the other made the
/// network or its cluster attachment meanwhile reads it again and reuses it.
@Suite("oVirt: two replicas making the same VLAN at once", .timeLimit(.minutes(1)))
struct ConcurrentReplicaTests {
    @Test("both jobs succeed on one network", arguments: [2931, 2932, 2933])
    func sameVLANFromTwoReplicas(_ vlan: Int) async throws {
        try await withSimulatedEngine("race-\(vlan)") { engine in
            let configuration = BackendConfiguration.simulated(engine, password: "admin")
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            try await withOvirtBackend(configuration, logger: logger, tuning: fastTuning()) { first in
                try await withOvirtBackend(configuration, logger: logger, tuning: fastTuning()) { second in
                    let item = seedItem(action: .createVLAN, engine: engine.name, vlanID: vlan)
                    guard case .ready(let firstPlan) = try await first.plan(item),
                          case .ready(let secondPlan) = try await second.plan(item)
                    else {
                        Issue.record("expected plans")
                        return
                    }
                    async let a = first.execute(firstPlan, context: TakeoverJobRecord().context(jobID: "job-a"))
                    async let b = second.execute(secondPlan, context: TakeoverJobRecord().context(jobID: "job-b"))
                    let (ra, rb) = try await (a, b)
                    #expect(ra.engineIDs["network_id"] != nil)
                    #expect(ra.engineIDs["network_id"] == rb.engineIDs["network_id"], "one network, reused by the other job")
                }
            }
        }
    }
}
