import AggregatorCore
import BackendSupport
import Logging

extension ProxmoxBackend {
    /// `GET /cluster/resources?type=vm`, `?type=node` and `GET /cluster/status`, concurrently.
    func readResources() async throws -> ProxmoxInventory {
        async let guests = session.get([ProxmoxResource].self, path: "cluster/resources", query: [("type", "vm")],
                                       expected: "a JSON resource list")
        async let nodes = session.get([ProxmoxResource].self, path: "cluster/resources", query: [("type", "node")],
                                      expected: "a JSON resource list")
        async let status = session.get([ProxmoxClusterStatusEntry].self, path: "cluster/status",
                                       expected: "a JSON cluster status list")
        let (g, n, s) = try await (guests, nodes, status)
        return ProxmoxInventory(guests: g, nodes: n.filter { $0.type == "node" }, status: s)
    }

    /// The whole inventory; with `agent`, the IP addresses of running VMs from their guest agents.
    func readInventory(agent: Bool) async throws -> EngineReadout {
        let inventory = try await readResources()
        let running = agent ? inventory.vms.filter { $0.status == "running" } : []
        if agent { agentBackoff.keep(only: Set(running.compactMap(\.vmidValue))) }
        let ips = try await guestAddresses(running)
        return inventory.readout(engine: name, ips: ips)
    }

    /// One VM, read now from `/cluster/resources`; nil when there is no QEMU VM (template or not a
    /// template: a template is not a VM here) with that id.
    public func vm(id: String) async throws -> VM? {
        guard let vmid = Int(id) else { return nil }
        let inventory = try await readResources()
        guard let resource = inventory.vms.first(where: { $0.vmidValue == vmid }) else { return nil }
        // A single read always asks the agent: a VM just created must show its addresses once its
        // agent is up, whatever earlier listings found.
        let ips = try await guestAddresses(resource.status == "running" ? [resource] : [], backingOff: false)
        return inventory.readout(engine: name, ips: ips).vms.first { $0.id == id }
    }

    /// One node, read now; nil when the cluster has no node of that name.
    public func host(id: String) async throws -> Hypervisor? {
        try await readResources().readout(engine: name).hosts.first { $0.id == id }
    }

    /// The cluster, read now; nil unless `id` is its name.
    public func cluster(id: String) async throws -> Cluster? {
        try await readResources().readout(engine: name).clusters.first { $0.id == id }
    }

    /// The guest agent's addresses of `vms` (running ones), `agent_concurrency` calls at a time,
    /// each bounded by `agent_timeout`. A VM whose agent does not answer (none installed, not
    /// running yet, too slow, any error) has none, and is not asked again for `agent_retry_after`;
    /// the listing never fails for it.
    func guestAddresses(_ vms: [ProxmoxResource], backingOff: Bool = true) async throws -> [Int: [String]] {
        let backoff = agentBackoff
        let targets = vms.compactMap { vm in vm.vmidValue.flatMap { id in vm.node.map { (id, $0) } } }
            .filter { !backingOff || backoff.mayAsk($0.0) }
        guard options.agentConcurrency > 0, !targets.isEmpty else { return [:] }
        let session = self.session
        let timeout = options.agentTimeout
        let logger = self.logger
        let engine = self.name
        return try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            var pending = targets.makeIterator()
            func next() {
                guard let (vmid, node) = pending.next() else { return }
                group.addTask {
                    do {
                        let answer = try await session.get(
                            ProxmoxAgentInterfaces.self,
                            path: "nodes/\(FormEncoding.pathSegment(node))/qemu/\(vmid)/agent/network-get-interfaces",
                            expected: "a JSON guest agent answer", timeout: timeout)
                        backoff.answered(vmid)
                        return (vmid, ProxmoxMapping.ipAddresses(answer))
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        backoff.failed(vmid)
                        logger.trace("Guest agent gave no addresses", metadata: [
                            "backend.name": "\(engine)", "vm.id": "\(vmid)", "error.message": "\(error)",
                        ])
                        return (vmid, [])
                    }
                }
            }
            for _ in 0..<options.agentConcurrency { next() }
            var result: [Int: [String]] = [:]
            while let (vmid, addresses) = try await group.next() {
                if !addresses.isEmpty { result[vmid] = addresses }
                next()
            }
            return result
        }
    }
}
