import AggregatorCore
import Synchronization

/// Reading one VM, host or cluster now.
extension VSphereBackend {
    /// One VM read now; nil when the vCenter has no VM with that id, or it is a template.
    public func vm(id: String) async throws -> VM? {
        guard let object = try await readObject(ManagedObjectReference("VirtualMachine", id),
                                                paths: VSphereInventory.vmPaths) else { return nil }
        var hostNames: [ManagedObjectReference: String] = [:]
        var topology = self.topology.withLock { $0 }
        if let host = object.reference("runtime.host") {
            try await place(host, in: &topology)
            hostNames[host] = topology.names[host]
        }
        return VSphereInventory.vm(object, engine: name, hostNames: hostNames, topology: topology)
    }

    /// One host read now; nil when the vCenter has no host with that id.
    public func host(id: String) async throws -> Hypervisor? {
        let reference = ManagedObjectReference("HostSystem", id)
        guard let object = try await readObject(reference, paths: VSphereInventory.hostPaths) else { return nil }
        var topology = self.topology.withLock { $0 }
        topology.add(object)
        try await place(reference, in: &topology)
        return VSphereInventory.host(object, engine: name, topology: topology)
    }

    /// One cluster read now; nil when the vCenter has no cluster with that id.
    public func cluster(id: String) async throws -> Cluster? {
        let reference = ManagedObjectReference("ClusterComputeResource", id)
        guard let object = try await readObject(reference, paths: VSphereInventory.clusterPaths) else { return nil }
        var topology = self.topology.withLock { $0 }
        topology.add(object)
        try await place(reference, in: &topology)
        return VSphereInventory.cluster(object, engine: name, topology: topology, vmCount: nil)
    }

    /// `paths` of `reference`; nil when the object does not exist (any more).
    func readObject(_ reference: ManagedObjectReference, paths: [String]) async throws -> ObjectContent? {
        do {
            let objects = try await session.retrieve(PropertyFilter(properties: [(reference.type, paths)],
                                                                   source: .objects([reference])))
            return objects.first { $0.reference == reference }
        } catch let error as BackendError where error.code == .notFound {
            return nil
        }
    }

    /// Reads the names and parents above `reference` that `topology` does not know yet, up to
    /// its data center, and remembers them for later reads.
    func place(_ reference: ManagedObjectReference, in topology: inout VSphereInventory.Topology) async throws {
        var current: ManagedObjectReference? = reference
        var steps = 0
        while let object = current, object.type != "Datacenter", steps < 16 {
            steps += 1
            if topology.names[object] == nil || (topology.parents[object] == nil && object.type != "Folder") {
                guard let read = try await readObject(object, paths: VSphereInventory.topologyPaths) else { return }
                topology.add(read)
            }
            current = topology.parents[object]
        }
        if let datacenter = current, topology.names[datacenter] == nil,
           let read = try await readObject(datacenter, paths: VSphereInventory.topologyPaths) {
            topology.add(read)
        }
        let known = topology
        self.topology.withLock { stored in
            stored.names.merge(known.names) { _, new in new }
            stored.parents.merge(known.parents) { _, new in new }
        }
    }
}
