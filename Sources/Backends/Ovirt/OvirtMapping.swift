import AggregatorCore
import Foundation

/// Id → name lookups for the objects a listing refers to.
///
/// A reference that cannot be resolved keeps its id, so no information is lost.
struct OvirtNameIndex: Sendable {
    var clusters: [String: OvirtCluster] = [:]
    var dataCenters: [String: String] = [:]
    var hosts: [String: String] = [:]
    var templates: [String: String] = [:]

    /// The id of the Blank template every engine has; its name is fixed.
    static let blankTemplateID = "00000000-0000-0000-0000-000000000000"

    init(clusters: [OvirtCluster] = [], dataCenters: [OvirtDataCenter] = [], hosts: [OvirtHost] = [],
         templates: [OvirtTemplate] = []) {
        for cluster in clusters { if let id = cluster.id { self.clusters[id] = cluster } }
        for dataCenter in dataCenters { if let id = dataCenter.id, let name = dataCenter.name { self.dataCenters[id] = name } }
        for host in hosts { if let id = host.id, let name = host.name { self.hosts[id] = name } }
        for template in templates { if let id = template.id, let name = template.name { self.templates[id] = name } }
    }

    func clusterName(_ reference: OvirtReference?) -> String? {
        guard let id = reference?.id else { return reference?.name }
        return clusters[id]?.name ?? reference?.name ?? id
    }

    func dataCenterName(_ reference: OvirtReference?) -> String? {
        guard let id = reference?.id else { return reference?.name }
        return dataCenters[id] ?? reference?.name ?? id
    }

    /// The data center of the cluster `reference` points to.
    func dataCenterName(ofCluster reference: OvirtReference?) -> String? {
        guard let id = reference?.id, let cluster = clusters[id] else { return nil }
        return dataCenterName(cluster.dataCenter)
    }

    func hostName(_ reference: OvirtReference?) -> String? {
        guard let id = reference?.id else { return reference?.name }
        return hosts[id] ?? reference?.name ?? id
    }

    func templateName(_ reference: OvirtReference?) -> String? {
        guard let id = reference?.id else { return reference?.name }
        if let name = templates[id] ?? reference?.name { return name }
        return id == Self.blankTemplateID ? "Blank" : id
    }
}

/// Translation of engine objects into the common model.
enum OvirtMapping {
    static func vm(_ vm: OvirtVM, engine: String, names: OvirtNameIndex) -> VM? {
        guard let id = nonEmpty(vm.id) else { return nil }
        let topology = vm.cpu?.topology
        var cpus: Int?
        if let sockets = topology?.sockets?.int, let cores = topology?.cores?.int {
            cpus = sockets * cores * (topology?.threads?.int ?? 1)
        }
        return VM(
            engine: engine, id: id, name: nonEmpty(vm.name) ?? id, status: status(vm.status),
            cluster: names.clusterName(vm.cluster),
            dataCenter: names.dataCenterName(ofCluster: vm.cluster),
            host: vm.host.flatMap { names.hostName($0) },
            cpus: cpus, cores: topology?.cores?.int, memoryBytes: vm.memory?.value,
            ipAddresses: ipAddresses(vm.reportedDevices),
            fqdn: nonEmpty(vm.fqdn), description: nonEmpty(vm.description), comment: nonEmpty(vm.comment),
            template: vm.template.flatMap { names.templateName($0) },
            osType: nonEmpty(vm.os?.type),
            creationTime: vm.creationTime.map { Date(timeIntervalSince1970: Double($0.value) / 1000) })
    }

    static func host(_ host: OvirtHost, engine: String, names: OvirtNameIndex) -> Hypervisor? {
        guard let id = nonEmpty(host.id) else { return nil }
        let topology = host.cpu?.topology
        var cores: Int?
        var threads: Int?
        if let sockets = topology?.sockets?.int, let perSocket = topology?.cores?.int {
            cores = sockets * perSocket
            threads = sockets * perSocket * (topology?.threads?.int ?? 1)
        }
        let osParts = [nonEmpty(host.os?.type), nonEmpty(host.os?.version?.fullVersion)].compactMap { $0 }
        return Hypervisor(
            engine: engine, id: id, name: nonEmpty(host.name) ?? id, address: nonEmpty(host.address),
            status: status(host.status),
            cluster: names.clusterName(host.cluster),
            dataCenter: names.dataCenterName(ofCluster: host.cluster),
            cpuModel: nonEmpty(host.cpu?.name), cpuCores: cores, cpuThreads: threads,
            memoryBytes: host.memory?.value, vmCount: host.runningVMs,
            osVersion: osParts.isEmpty ? nil : osParts.joined(separator: " "),
            comment: nonEmpty(host.comment))
    }

    /// `hostCount` counts the hosts in the cluster; `vmCount` sums their running VMs.
    static func cluster(_ cluster: OvirtCluster, engine: String, names: OvirtNameIndex, hosts: [OvirtHost]?) -> Cluster? {
        guard let id = nonEmpty(cluster.id) else { return nil }
        var hostCount: Int?
        var vmCount: Int?
        if let hosts {
            let members = hosts.filter { $0.cluster?.id == id }
            hostCount = members.count
            vmCount = members.reduce(0) { $0 + ($1.runningVMs ?? 0) }
        }
        return Cluster(
            engine: engine, id: id, name: nonEmpty(cluster.name) ?? id,
            dataCenter: names.dataCenterName(cluster.dataCenter),
            cpuType: nonEmpty(cluster.cpu?.type), version: cluster.version?.majorMinor,
            hostCount: hostCount, vmCount: vmCount,
            description: nonEmpty(cluster.description), comment: nonEmpty(cluster.comment))
    }

    /// Every address of every reported device, in order, without duplicates.
    static func ipAddresses(_ devices: OvirtCollection<OvirtReportedDevice>?) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for device in devices?.items ?? [] {
            for ip in device.ips?.items ?? [] {
                guard let address = nonEmpty(ip.address), seen.insert(address).inserted else { continue }
                result.append(address)
            }
        }
        return result
    }

    /// Lowercased engine status; `unknown` when the engine gave none.
    static func status(_ status: String?) -> String {
        nonEmpty(status)?.lowercased() ?? "unknown"
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
