import AggregatorCore
import BackendSupport
import Foundation

/// The properties the backend reads and how they become ``VM``, ``Hypervisor`` and ``Cluster``.
enum VSphereInventory {
    static let vmPaths = [
        "name", "runtime.powerState", "runtime.host", "config.template", "config.hardware.numCPU",
        "config.hardware.numCoresPerSocket", "config.hardware.memoryMB", "config.annotation", "config.guestId",
        "config.createDate", "guest.net", "guest.ipAddress", "guest.hostName",
    ]
    static let hostPaths = [
        "name", "parent", "runtime.connectionState", "runtime.inMaintenanceMode", "summary.hardware.cpuModel",
        "summary.hardware.numCpuCores", "summary.hardware.numCpuThreads", "summary.hardware.memorySize",
        "summary.config.product.fullName", "vm",
    ]
    static let clusterPaths = ["name", "parent", "host"]
    /// What places an object: names and parents of the containers above hosts and clusters.
    static let topologyPaths = ["name", "parent"]

    /// Every type the inventory reads, for the container view.
    static let viewTypes = ["VirtualMachine", "HostSystem", "ComputeResource", "Datacenter", "Folder"]

    /// The read of everything under the root folder through `view`.
    static func filter(view: ManagedObjectReference) -> PropertyFilter {
        PropertyFilter(properties: [
            ("VirtualMachine", vmPaths), ("HostSystem", hostPaths), ("ClusterComputeResource", clusterPaths),
            ("ComputeResource", topologyPaths), ("Datacenter", topologyPaths), ("Folder", topologyPaths),
        ], source: .view(view))
    }

    // MARK: - Topology

    /// Names and parents of the containers (folders, data centers, compute resources), to say
    /// which cluster and data center a host or VM is in.
    struct Topology: Sendable {
        var names: [ManagedObjectReference: String] = [:]
        var parents: [ManagedObjectReference: ManagedObjectReference] = [:]

        mutating func add(_ object: ObjectContent) {
            if let name = object.string("name") { names[object.reference] = name }
            if let parent = object.reference("parent") { parents[object.reference] = parent }
        }

        /// The cluster `host` belongs to; nil for a standalone host (its parent is a plain
        /// `ComputeResource`).
        func cluster(ofHost host: ManagedObjectReference) -> ManagedObjectReference? {
            guard let parent = parents[host], parent.type == "ClusterComputeResource" else { return nil }
            return parent
        }

        /// The data center above `object`.
        func dataCenter(of object: ManagedObjectReference) -> String? {
            var current = parents[object]
            var steps = 0
            while let reference = current, steps < 64 {
                if reference.type == "Datacenter" { return names[reference] }
                current = parents[reference]
                steps += 1
            }
            return nil
        }
    }

    // MARK: - Mapping

    /// A vSphere power state in the common set: `poweredOn` is `up`, `poweredOff` `down`,
    /// `suspended` `suspended`; anything else `unknown`.
    static func vmStatus(_ powerState: String?) -> String {
        switch powerState {
        case "poweredOn": "up"
        case "poweredOff": "down"
        case "suspended": "suspended"
        default: "unknown"
        }
    }

    /// A host's connection state in the common set: `connected` is `up` (or `maintenance` in
    /// maintenance mode), `notResponding` `non_responsive`, `disconnected` `down`.
    static func hostStatus(connection: String?, maintenance: Bool) -> String {
        switch connection {
        case "connected": maintenance ? "maintenance" : "up"
        case "notResponding": "non_responsive"
        case "disconnected": "down"
        default: "unknown"
        }
    }

    /// The VM `object` describes, nil for a template.
    static func vm(_ object: ObjectContent, engine: String, hostNames: [ManagedObjectReference: String],
                   topology: Topology) -> VM? {
        guard object.bool("config.template") != true else { return nil }
        let power = object.string("runtime.powerState")
        let host = object.reference("runtime.host")
        let cluster = host.flatMap { topology.cluster(ofHost: $0) }
        let memory = object.int64("config.hardware.memoryMB").map { $0 * 1_048_576 }
        return VM(
            engine: engine, id: object.reference.value, name: object.string("name") ?? object.reference.value,
            status: vmStatus(power), cluster: cluster.flatMap { topology.names[$0] },
            dataCenter: host.flatMap { topology.dataCenter(of: $0) }, host: host.flatMap { hostNames[$0] },
            cpus: object.int("config.hardware.numCPU"), cores: object.int("config.hardware.numCoresPerSocket"),
            memoryBytes: memory, ipAddresses: addresses(object), fqdn: object.string("guest.hostName"),
            description: object.string("config.annotation"), osType: object.string("config.guestId"),
            creationTime: object.string("config.createDate").flatMap(parseDate), rawStatus: power)
    }

    /// Every address the guest reports on its NICs (`guest.net[].ipAddress`), else `guest.ipAddress`.
    static func addresses(_ object: ObjectContent) -> [String] {
        var seen: [String] = []
        for nic in object.properties["guest.net"]?.children ?? [] {
            for address in nic.children("ipAddress") {
                let text = address.text.trimmingWhitespace()
                if !text.isEmpty, !seen.contains(text) { seen.append(text) }
            }
        }
        if seen.isEmpty, let primary = object.string("guest.ipAddress") { seen.append(primary) }
        return seen
    }

    static func host(_ object: ObjectContent, engine: String, topology: Topology) -> Hypervisor {
        let connection = object.string("runtime.connectionState")
        let maintenance = object.bool("runtime.inMaintenanceMode") ?? false
        let cluster = topology.cluster(ofHost: object.reference)
        return Hypervisor(
            engine: engine, id: object.reference.value, name: object.string("name") ?? object.reference.value,
            address: object.string("name"), status: hostStatus(connection: connection, maintenance: maintenance),
            cluster: cluster.flatMap { topology.names[$0] }, dataCenter: topology.dataCenter(of: object.reference),
            cpuModel: object.string("summary.hardware.cpuModel"), cpuCores: object.int("summary.hardware.numCpuCores"),
            cpuThreads: object.int("summary.hardware.numCpuThreads"),
            memoryBytes: object.int64("summary.hardware.memorySize"), vmCount: object.references("vm").count,
            osVersion: object.string("summary.config.product.fullName"),
            rawStatus: maintenance && connection == "connected" ? "connected (maintenance mode)" : connection)
    }

    static func cluster(_ object: ObjectContent, engine: String, topology: Topology, vmCount: Int?) -> Cluster {
        Cluster(engine: engine, id: object.reference.value, name: object.string("name") ?? object.reference.value,
                dataCenter: topology.dataCenter(of: object.reference), hostCount: object.references("host").count,
                vmCount: vmCount)
    }

    /// `2026-12-07T10:00:00.123456Z` (xsd:dateTime, fractional seconds optional).
    static func parseDate(_ text: String) -> Date? {
        let strategies: [Date.ISO8601FormatStyle] = [
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted),
            .iso8601,
        ]
        for strategy in strategies {
            if let date = try? Date(text, strategy: strategy) { return date }
        }
        return nil
    }

    /// Builds the readout from every object a full read returned.
    static func readout(_ objects: [ObjectContent], engine: String) -> (EngineReadout, Topology) {
        var topology = Topology()
        var hostObjects: [ObjectContent] = []
        var clusterObjects: [ObjectContent] = []
        var vmObjects: [ObjectContent] = []
        for object in objects {
            switch object.reference.type {
            case "VirtualMachine": vmObjects.append(object)
            case "HostSystem":
                hostObjects.append(object)
                topology.add(object)
            case "ClusterComputeResource":
                clusterObjects.append(object)
                topology.add(object)
            default: topology.add(object)
            }
        }
        let hostNames = Dictionary(hostObjects.map { ($0.reference, $0.string("name") ?? $0.reference.value) },
                                   uniquingKeysWith: { first, _ in first })
        let vms = vmObjects.compactMap { vm($0, engine: engine, hostNames: hostNames, topology: topology) }
        var vmsPerCluster: [String: Int] = [:]
        for vm in vms { if let cluster = vm.cluster { vmsPerCluster[cluster, default: 0] += 1 } }
        let hosts = hostObjects.map { host($0, engine: engine, topology: topology) }
        let clusters = clusterObjects.map { object in
            cluster(object, engine: engine, topology: topology, vmCount: vmsPerCluster[object.string("name") ?? ""] ?? 0)
        }
        return (EngineReadout(vms: vms, hosts: hosts, clusters: clusters), topology)
    }
}
