import SimulatorSupport
import Testing

private struct Rule: SimulatedFault, Equatable {
    var method: String
    var path: String
    var status: Int
    var count: Int?
    var latency: Duration = .zero
}

@Suite("Fault rules: matching and counting")
struct SimulatedFaultListTests {
    @Test(arguments: [
        ("GET", "/api/vms", true),
        ("get", "/api/vms", true),
        ("GET", "/api/vms/", true),
        ("POST", "/api/vms", false),
        ("GET", "/api/vms/1", false),
        ("GET", "/api", false),
    ])
    func exactPathAndMethod(method: String, path: String, matches: Bool) {
        let rule = Rule(method: "GET", path: "/api/vms", status: 500, count: 1)
        #expect(rule.matches(method: method, path: path) == matches)
    }

    @Test func wildcardMethodAndPathPrefix() {
        let rule = Rule(method: "*", path: "/api/vms*", status: 503, count: nil)
        #expect(rule.matches(method: "DELETE", path: "/api/vms/42"))
        #expect(rule.matches(method: "GET", path: "/api/vms"))
        #expect(!rule.matches(method: "GET", path: "/api/hosts"))
    }

    @Test func countedRuleFailsThatManyRequestsThenStops() {
        var list = SimulatedFaultList([Rule(method: "POST", path: "/api/vms", status: 409, count: 2)])
        #expect(list.take(method: "POST", path: "/api/vms")?.status == 409)
        #expect(list.rules.first?.count == 1)
        #expect(list.take(method: "POST", path: "/api/vms")?.status == 409)
        #expect(list.take(method: "POST", path: "/api/vms") == nil)
        #expect(list.rules.isEmpty)
    }

    @Test func uncountedRuleFailsUntilCleared() {
        var list = SimulatedFaultList<Rule>()
        list.add(Rule(method: "GET", path: "/api/*", status: 500, count: nil))
        for _ in 0..<5 {
            #expect(list.take(method: "GET", path: "/api/hosts")?.status == 500)
        }
        #expect(list.clear() == 1)
        #expect(list.take(method: "GET", path: "/api/hosts") == nil)
    }

    @Test func firstMatchingRuleInOrderAddedWins() {
        var list = SimulatedFaultList<Rule>()
        list.add(Rule(method: "GET", path: "/api/hosts", status: 404, count: 1))
        list.add(Rule(method: "*", path: "/api/*", status: 502, count: 1))
        list.add(Rule(method: "GET", path: "/api/vms", status: 500, count: 1))
        #expect(list.take(method: "GET", path: "/api/vms")?.status == 502)
        #expect(list.take(method: "GET", path: "/api/vms")?.status == 500)
        #expect(list.take(method: "GET", path: "/api/hosts")?.status == 404)
        #expect(list.rules.isEmpty)
    }

    @Test func commandLineSpecKeepsColonsInPathAndZeroMeansUnlimited() throws {
        let spec = try #require(SimulatedFaultSpec(commandLine: "get:/api2/json/nodes/pve1:qemu:503:0"))
        #expect(spec.method == "get")
        #expect(spec.path == "/api2/json/nodes/pve1:qemu")
        #expect(spec.status == 503)
        #expect(spec.count == nil)
        #expect(SimulatedFaultSpec(commandLine: "GET:/x:500")?.count == 1)
    }

    @Test(arguments: ["GET:/x", ":/x:500", "GET:x:500", "GET:/x:700", "GET:/x:abc"])
    func malformedCommandLineSpecIsRefused(spec: String) {
        #expect(SimulatedFaultSpec(commandLine: spec) == nil)
    }
}
