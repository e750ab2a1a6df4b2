/// The search fields each collection understands, mapping an object to the
/// values a condition on that field is matched against.
enum SearchFields {
    static func vm(_ inventory: EngineInventory) -> [String: (SimVM) -> [String]] {
        let clusters = Dictionary(inventory.clusters.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let hosts = Dictionary(inventory.hosts.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let dataCenters = Dictionary(inventory.dataCenters.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let templates = Dictionary(inventory.templates.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return [
            "name": { [$0.name] },
            "id": { [$0.id] },
            "status": { [$0.status] },
            "description": { [$0.description] },
            "comment": { [$0.comment] },
            "cluster": { clusters[$0.clusterID].map { [$0.name] } ?? [] },
            "datacenter": { clusters[$0.clusterID].flatMap { dataCenters[$0.dataCenterID] }.map { [$0] } ?? [] },
            "host": { $0.hostID.flatMap { hosts[$0] }.map { [$0] } ?? [] },
            "template": { templates[$0.templateID].map { [$0] } ?? [] },
            "os": { [$0.osType] },
            "fqdn": { $0.fqdn.map { [$0] } ?? [] },
            "ip": { $0.reportedDevices.flatMap { [$0.ipv4, $0.ipv6] } },
            "creationdate": { [ISODate.format($0.creationTime)] },
        ]
    }

    static func host(_ inventory: EngineInventory) -> [String: (SimHost) -> [String]] {
        let clusters = Dictionary(inventory.clusters.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let dataCenters = Dictionary(inventory.dataCenters.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return [
            "name": { [$0.name] },
            "id": { [$0.id] },
            "status": { [$0.status] },
            "address": { [$0.address] },
            "cluster": { clusters[$0.clusterID].map { [$0.name] } ?? [] },
            "datacenter": { clusters[$0.clusterID].flatMap { dataCenters[$0.dataCenterID] }.map { [$0] } ?? [] },
        ]
    }

    static func cluster(_ inventory: EngineInventory) -> [String: (SimCluster) -> [String]] {
        let dataCenters = Dictionary(inventory.dataCenters.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return [
            "name": { [$0.name] },
            "id": { [$0.id] },
            "description": { [$0.description] },
            "datacenter": { dataCenters[$0.dataCenterID].map { [$0] } ?? [] },
        ]
    }

    static func dataCenter() -> [String: (SimDataCenter) -> [String]] {
        [
        "name": { [$0.name] },
        "id": { [$0.id] },
        "description": { [$0.description] },
        "status": { _ in ["up"] },
        ]
    }

    static func template(_ inventory: EngineInventory) -> [String: (SimTemplate) -> [String]] {
        let clusters = Dictionary(inventory.clusters.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let dataCenters = Dictionary(inventory.dataCenters.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return [
            "name": { [$0.name] },
            "id": { [$0.id] },
            "description": { [$0.description] },
            "status": { _ in ["ok"] },
            "cluster": { $0.clusterID.flatMap { clusters[$0] }.map { [$0.name] } ?? [] },
            "datacenter": {
                $0.clusterID.flatMap { clusters[$0] }.flatMap { dataCenters[$0.dataCenterID] }.map { [$0] } ?? []
            },
        ]
    }

    static func storageDomain(_ inventory: EngineInventory) -> [String: (SimStorageDomain) -> [String]] {
        let dataCenters = Dictionary(inventory.dataCenters.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return [
            "name": { [$0.name] },
            "id": { [$0.id] },
            "type": { _ in ["data"] },
            "storage_type": { [$0.storageType] },
            "status": { _ in ["active"] },
            "datacenter": { dataCenters[$0.dataCenterID].map { [$0] } ?? [] },
        ]
    }

    static func network(_ inventory: EngineInventory) -> [String: (SimNetwork) -> [String]] {
        let dataCenters = Dictionary(inventory.dataCenters.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let clusterNames = { (network: SimNetwork) in
            inventory.clusters.filter { $0.networkIDs.contains(network.id) }.map(\.name)
        }
        return [
            "name": { [$0.name] },
            "id": { [$0.id] },
            "description": { [$0.description] },
            "vlanid": { $0.vlanID.map { [String($0)] } ?? [] },
            "datacenter": { dataCenters[$0.dataCenterID].map { [$0] } ?? [] },
            "cluster": clusterNames,
        ]
    }

    static func disk(_ inventory: EngineInventory) -> [String: (SimDisk) -> [String]] {
        let domains = Dictionary(inventory.storageDomains.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return [
            "name": { [$0.name] },
            "alias": { [$0.name] },
            "id": { [$0.id] },
            "status": { _ in ["ok"] },
            "format": { [$0.format] },
            "storage": { domains[$0.storageDomainID].map { [$0] } ?? [] },
        ]
    }

    static func job() -> [String: (SimJob) -> [String]] {
        [
            "id": { [$0.id] },
            "correlation_id": { [$0.correlationID] },
            "status": { [$0.status] },
            "description": { [$0.description] },
            "name": { [$0.description] },
        ]
    }

    static func event(_ inventory: EngineInventory) -> [String: (SimEvent) -> [String]] {
        let vms = Dictionary(inventory.vms.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let hosts = Dictionary(inventory.hosts.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return [
            "id": { [String($0.index)] },
            "correlation_id": { [$0.correlationID] },
            "severity": { [$0.severity] },
            "type": { [String($0.code)] },
            "message": { [$0.description] },
            "name": { [$0.description] },
            "vm.name": { $0.vmID.flatMap { vms[$0] }.map { [$0] } ?? [] },
            "host.name": { $0.hostID.flatMap { hosts[$0] }.map { [$0] } ?? [] },
        ]
    }
}
