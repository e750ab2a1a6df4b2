import AggregatorCore

/// One named contract check, run against a kind's harness.
public struct ContractCheck: Sendable, CustomStringConvertible {
    /// Short stable name (`listings`), usable as a test argument.
    public let name: String
    /// What the check asserts.
    public let summary: String
    private let body: @Sendable (any BackendContractHarness) async -> [ContractViolation]

    /// Creates a check; `body` must stop every engine and backend it starts.
    public init(name: String, summary: String,
                _ body: @escaping @Sendable (any BackendContractHarness) async -> [ContractViolation]) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    /// Runs the check; every engine and backend it starts is stopped before it returns.
    public func run(_ harness: any BackendContractHarness) async -> [ContractViolation] {
        await body(harness)
    }

    public var description: String { name }
}

/// The behaviour every backend kind owes the aggregator, checked against the kind's own simulator.
///
/// A kind's tests supply a ``BackendContractHarness`` (start a simulated engine, build a backend)
/// and run ``checks``, for example one Swift Testing case per check name. The checks only use
/// ``VirtualizationBackend`` and ``Inventory``, so they do not depend on any test framework.
public enum BackendContract {
    /// Every check, in a stable order.
    public static let checks: [ContractCheck] = [
        ContractCheck(name: "listings",
                      summary: "listings are complete, tagged with the engine, with unique ids and resolved names") {
            await withEngine(ContractEngineSpec(name: "contract-listings"), harness: $0, check: "listings") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "listings") {
                    await checkListings($0, expect: engine.expectations)
                }
            }
        },
        ContractCheck(name: "probe", summary: "a probe logs in and reports a version") {
            await withEngine(ContractEngineSpec(name: "contract-probe"), harness: $0, check: "probe") {
                engine, harness in
                await withBackend(engine.configuration(password: nil), harness: harness, check: "probe") {
                    await checkProbe($0)
                }
            }
        },
        ContractCheck(name: "unreachable", summary: "an engine that is down gives connection_refused") {
            await checkUnreachable(harness: $0)
        },
        ContractCheck(name: "bad-credentials",
                      summary: "a wrong password gives unauthorized, naming the engine and never the password") {
            await checkBadCredentials(harness: $0)
        },
        ContractCheck(name: "timeout",
                      summary: "a slow engine times out in the fan-out while a fast one still answers") {
            await checkTimeout(harness: $0)
        },
    ]

    /// The check called `name`, if any.
    public static func check(named name: String) -> ContractCheck? {
        checks.first { $0.name == name }
    }

    /// Runs `checks` one after the other and returns every violation.
    public static func run(_ checks: [ContractCheck] = checks, harness: any BackendContractHarness) async
        -> [ContractViolation]
    {
        var violations: [ContractViolation] = []
        for check in checks { violations += await check.run(harness) }
        return violations
    }

    // MARK: - Checks

    /// Lists VMs, hosts and clusters of a healthy engine and checks them against `expect`.
    public static func checkListings(_ backend: any VirtualizationBackend, expect: BackendContractExpectations)
        async -> [ContractViolation]
    {
        var found = Findings(check: "listings")
        let vms: [VM]
        let hosts: [Host]
        let clusters: [Cluster]
        do {
            vms = try await backend.listVMs()
            hosts = try await backend.listHosts()
            clusters = try await backend.listClusters()
        } catch {
            found.fail("listing failed: \(error)")
            return found.violations
        }

        found.expect(backend.name == expect.engine, "backend name is '\(backend.name)', expected '\(expect.engine)'")
        for capability in [BackendCapabilities.listVMs, .listHosts, .listClusters] {
            found.expect(backend.capabilities.contains(capability),
                         "capabilities \(backend.capabilities.names) lack \(capability.names)")
        }

        // VMs
        found.expect(vms.count == expect.vmCount, "listed \(vms.count) VMs, expected \(expect.vmCount)")
        found.checkIdentities(vms.map { ($0.engine, $0.id, $0.name) }, of: "VM", engine: expect.engine)
        let hostNames = Set(hosts.map(\.name))
        for vm in vms {
            found.checkStatus(vm.status, of: "VM \(vm.name)")
            if let cluster = vm.cluster {
                found.expect(expect.clusterNames.contains(cluster),
                             "VM \(vm.name) names cluster '\(cluster)', not one of \(expect.clusterNames.sorted())")
            } else {
                found.fail("VM \(vm.name) has no cluster")
            }
            if vm.status == "up" {
                if let host = vm.host {
                    found.expect(hostNames.contains(host), "running VM \(vm.name) names host '\(host)', not a listed host name")
                } else {
                    found.fail("running VM \(vm.name) has no host")
                }
            }
            found.expect(!vm.ipAddresses.contains(""), "VM \(vm.name) lists an empty IP address")
            if let cpus = vm.cpus { found.expect(cpus > 0, "VM \(vm.name) has \(cpus) CPUs") }
            if let memory = vm.memoryBytes { found.expect(memory > 0, "VM \(vm.name) has \(memory) bytes of memory") }
        }
        if let name = expect.someVMName {
            found.expect(vms.contains { $0.name == name }, "VM '\(name)' is missing from the listing")
        }

        // Hosts
        found.expect(hosts.count == expect.hostCount, "listed \(hosts.count) hosts, expected \(expect.hostCount)")
        found.checkIdentities(hosts.map { ($0.engine, $0.id, $0.name) }, of: "host", engine: expect.engine)
        for host in hosts {
            found.checkStatus(host.status, of: "host \(host.name)")
            if let cluster = host.cluster {
                found.expect(expect.clusterNames.contains(cluster),
                             "host \(host.name) names cluster '\(cluster)', not one of \(expect.clusterNames.sorted())")
            } else {
                found.fail("host \(host.name) has no cluster")
            }
        }

        // Clusters
        found.expect(Set(clusters.map(\.name)) == expect.clusterNames,
                     "clusters are \(clusters.map(\.name).sorted()), expected \(expect.clusterNames.sorted())")
        found.checkIdentities(clusters.map { ($0.engine, $0.id, $0.name) }, of: "cluster", engine: expect.engine)
        let hostCounts = clusters.compactMap(\.hostCount)
        if hostCounts.count == clusters.count {
            found.expect(hostCounts.reduce(0, +) == hosts.count,
                         "cluster host counts add up to \(hostCounts.reduce(0, +)), but \(hosts.count) hosts are listed")
        }
        let running = vms.filter { $0.host != nil }.count
        let vmCounts = clusters.compactMap(\.vmCount)
        if vmCounts.count == clusters.count {
            found.expect(vmCounts.reduce(0, +) == running,
                         "cluster VM counts add up to \(vmCounts.reduce(0, +)), but \(running) VMs run on a host")
        }
        return found.violations
    }

    /// Probes a healthy engine: it must report a version.
    public static func checkProbe(_ backend: any VirtualizationBackend) async -> [ContractViolation] {
        var found = Findings(check: "probe")
        do {
            let probe = try await backend.probe()
            found.expect(!(probe.version ?? "").isEmpty, "probe reported no version: \(probe)")
        } catch {
            found.fail("probe failed: \(error)")
        }
        return found.violations
    }

    /// An engine that was stopped: every call fails with `connection_refused` naming the engine.
    public static func checkUnreachable(harness: any BackendContractHarness) async -> [ContractViolation] {
        let check = "unreachable"
        let engine: any ContractEngine
        do {
            engine = try await harness.startEngine(ContractEngineSpec(name: "contract-unreachable"))
        } catch {
            return [ContractViolation(check: check, message: "could not start the simulated engine: \(error)")]
        }
        let configuration = engine.configuration(password: nil)
        let expect = engine.expectations
        await engine.stop()
        return await withBackend(configuration, harness: harness, check: check) { backend in
            var found = Findings(check: check)
            let secrets = [expect.password].compactMap { $0 }
            await found.expectFailure(.connectionRefused, engine: expect.engine, secrets: secrets, "listVMs") {
                _ = try await backend.listVMs()
            }
            await found.expectFailure(.connectionRefused, engine: expect.engine, secrets: secrets, "probe") {
                _ = try await backend.probe()
            }
            return found.violations
        }
    }

    /// A wrong password: `unauthorized`, not a crash; the error names the engine, and neither
    /// password reaches the error or the log.
    public static func checkBadCredentials(harness: any BackendContractHarness) async -> [ContractViolation] {
        let check = "bad-credentials"
        return await withEngine(ContractEngineSpec(name: "contract-bad-credentials"), harness: harness, check: check) {
            engine, harness in
            let wrong = "wrong-\(UInt64.random(in: 1_000_000...UInt64.max))"
            let expect = engine.expectations
            let secrets = [wrong] + [expect.password].compactMap { $0 }
            return await withBackend(engine.configuration(password: wrong), harness: harness, check: check) { backend in
                var found = Findings(check: check)
                await found.expectFailure(.unauthorized, engine: expect.engine, secrets: secrets, "listVMs") {
                    _ = try await backend.listVMs()
                }
                await found.expectFailure(.unauthorized, engine: expect.engine, secrets: secrets, "probe") {
                    _ = try await backend.probe()
                }
                for line in harness.recordedLog() where secrets.contains(where: { line.contains($0) }) {
                    found.fail("a password appears in the log: \(line.prefix(200))")
                }
                return found.violations
            }
        }
    }

    /// Two engines in one ``Inventory``: a slow one beyond its fan-out timeout and a fast one.
    /// The slow one must report `timeout`, the fast one its VMs.
    public static func checkTimeout(
        harness: any BackendContractHarness, latency: Duration = .seconds(3), timeout: Duration = .milliseconds(600)
    ) async -> [ContractViolation] {
        let check = "timeout"
        return await withEngine(ContractEngineSpec(name: "contract-slow", latency: latency), harness: harness,
                                check: check) { slow, harness in
            await withEngine(ContractEngineSpec(name: "contract-fast"), harness: harness, check: check) { fast, harness in
                await withBackend(slow.configuration(password: nil), harness: harness, check: check) { slowBackend in
                    await withBackend(fast.configuration(password: nil), harness: harness, check: check) { fastBackend in
                        var found = Findings(check: check)
                        let inventory = harness.makeInventory([
                            RegisteredBackend(backend: slowBackend, timeout: timeout),
                            RegisteredBackend(backend: fastBackend, timeout: .seconds(30)),
                        ])
                        let result = await inventory.listVMs()
                        let byEngine = Dictionary(result.engines.map { ($0.engine, $0) }, uniquingKeysWith: { a, _ in a })
                        switch byEngine[slow.expectations.engine]?.outcome {
                        case .failure(let error):
                            found.expect(error.code == .timeout, "slow engine failed with \(error.code), expected timeout: \(error)")
                            found.expect(error.engine == slow.expectations.engine,
                                         "timeout error names engine '\(error.engine)'")
                        case .success(let items):
                            found.fail("slow engine answered \(items.count) VMs within \(timeout), expected a timeout")
                        case nil:
                            found.fail("slow engine missing from the fan-out result")
                        }
                        switch byEngine[fast.expectations.engine]?.outcome {
                        case .success(let items):
                            found.expect(items.count == fast.expectations.vmCount,
                                         "fast engine listed \(items.count) VMs, expected \(fast.expectations.vmCount)")
                        case .failure(let error):
                            found.fail("fast engine failed next to a slow one: \(error)")
                        case nil:
                            found.fail("fast engine missing from the fan-out result")
                        }
                        return found.violations
                    }
                }
            }
        }
    }

    // MARK: - Scoping helpers

    /// Starts an engine, runs `body`, and stops the engine on every path.
    public static func withEngine(
        _ spec: ContractEngineSpec, harness: any BackendContractHarness, check: String,
        _ body: (any ContractEngine, any BackendContractHarness) async -> [ContractViolation]
    ) async -> [ContractViolation] {
        let engine: any ContractEngine
        do {
            engine = try await harness.startEngine(spec)
        } catch {
            return [ContractViolation(check: check, message: "could not start the simulated engine '\(spec.name)': \(error)")]
        }
        let violations = await body(engine, harness)
        await engine.stop()
        return violations
    }

    /// Builds a backend, runs `body`, and shuts the backend down on every path.
    public static func withBackend(
        _ configuration: BackendConfiguration, harness: any BackendContractHarness, check: String,
        _ body: (any VirtualizationBackend) async -> [ContractViolation]
    ) async -> [ContractViolation] {
        let backend: any VirtualizationBackend
        do {
            backend = try harness.makeBackend(configuration)
        } catch {
            return [ContractViolation(check: check, message: "could not build a backend for '\(configuration.name)': \(error)")]
        }
        var violations = await body(backend)
        await backend.shutdown()
        if backend.kind != harness.kind {
            violations.append(ContractViolation(check: check, message: "backend kind is '\(backend.kind)', expected '\(harness.kind)'"))
        }
        return violations
    }
}

/// Accumulates violations for one check.
struct Findings {
    let check: String
    var violations: [ContractViolation] = []

    init(check: String) { self.check = check }

    mutating func fail(_ message: String) {
        violations.append(ContractViolation(check: check, message: message))
    }

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    mutating func checkStatus(_ status: String, of what: String) {
        expect(!status.isEmpty, "\(what) has an empty status")
        expect(status == status.lowercased(), "\(what) has status '\(status)', expected lowercase")
    }

    mutating func checkIdentities(_ items: [(engine: String, id: String, name: String)], of kind: String, engine: String) {
        var seen = Set<String>()
        for item in items {
            expect(item.engine == engine, "\(kind) \(item.name) is tagged with engine '\(item.engine)', expected '\(engine)'")
            expect(!item.id.isEmpty, "\(kind) \(item.name) has an empty id")
            expect(!item.name.isEmpty, "\(kind) \(item.id) has an empty name")
            if !item.id.isEmpty, !seen.insert(item.id).inserted {
                fail("\(kind) id '\(item.id)' is listed twice")
            }
        }
    }

    /// Runs `body`, which must throw a ``BackendError`` with `code` that names `engine` and no secret.
    mutating func expectFailure(
        _ code: BackendError.Code, engine: String, secrets: [String], _ what: String,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            fail("\(what) succeeded, expected \(code)")
        } catch let error as BackendError {
            expect(error.code == code, "\(what) failed with \(error.code), expected \(code): \(error)")
            expect(error.engine == engine, "\(what) error names engine '\(error.engine)', expected '\(engine)'")
            expect(String(describing: error).contains(engine), "\(what) error description does not name the engine: \(error)")
            expect(!error.message.isEmpty, "\(what) error has an empty message")
            for secret in secrets where !secret.isEmpty {
                expect(!String(describing: error).contains(secret), "\(what) error reveals a password")
                expect(!String(reflecting: error).contains(secret), "\(what) error's debug description reveals a password")
            }
        } catch {
            fail("\(what) threw \(type(of: error)) instead of a BackendError: \(error)")
        }
    }
}
