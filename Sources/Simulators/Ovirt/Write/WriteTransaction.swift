import Foundation

/// One write against the inventory, run under ``EngineState``'s lock: the
/// command's validation (in the engine's order, with its messages), its
/// immediate effect, its job and audit log entries, and the changes it
/// schedules for later.
struct WriteTransaction {
    var inventory: OvirtInventory
    /// Wall clock at the start of the request, epoch ms.
    let now: Int64
    /// ``SimulatedEngineOptions/asyncDelay`` in ms.
    let delay: Int64
    let correlationID: String
    let engineName: String
    /// The user name the audit log shows (`admin@internal-authz`).
    var userName: String

    /// Changes for later: due time and the change.
    private(set) var scheduled: [(due: Int64, apply: @Sendable (inout OvirtInventory) -> Void)] = []
    /// The job of the command being run, once its validation has started.
    private(set) var job: SimJob?

    init(inventory: OvirtInventory, now: Int64, delay: Int64, correlationID: String, engineName: String, userName: String = "admin@internal-authz") {
        self.inventory = inventory
        self.now = now
        self.delay = delay
        self.correlationID = correlationID
        self.engineName = engineName
        self.userName = userName
    }

    static func newID() -> String { UUID().uuidString.lowercased() }

    /// Schedules `apply` after `steps` times the async delay.
    mutating func later(_ steps: Int64, _ apply: @escaping @Sendable (inout OvirtInventory) -> Void) {
        scheduled.append((now + steps * delay, apply))
    }

    // MARK: Jobs and events

    /// Starts the command's job; it is stored when the command succeeds (or
    /// recorded as failed by ``recordFailure(_:into:)``).
    mutating func beginJob(_ description: String) {
        job = SimJob(
            id: Self.newID(),
            description: description,
            status: "started",
            correlationID: correlationID,
            startTime: now,
            endTime: nil,
            lastUpdated: now
        )
    }

    /// Stores the job, finished now or after `steps` delays (with `finally`
    /// applied at the same moment). Returns its id.
    @discardableResult
    mutating func commitJob(finishAfter steps: Int64 = 0, finally: (@Sendable (inout OvirtInventory) -> Void)? = nil) -> String? {
        guard var job else { return nil }
        let id = job.id
        if steps == 0 || delay == 0 {
            job.status = "finished"
            job.endTime = now
            inventory.jobs.append(job)
            if let finally {
                // Immediate: still applied through the schedule so it runs after this write.
                later(0, finally)
            }
        } else {
            inventory.jobs.append(job)
            later(steps) { inventory in
                if let finally { finally(&inventory) }
                Self.finishJob(id, in: &inventory)
            }
        }
        self.job = nil
        return id
    }

    static func finishJob(_ id: String, status: String = "finished", in inventory: inout OvirtInventory) {
        guard let index = inventory.jobs.firstIndex(where: { $0.id == id }) else { return }
        let now = EngineState.now()
        inventory.jobs[index].status = status
        inventory.jobs[index].endTime = now
        inventory.jobs[index].lastUpdated = now
    }

    mutating func event(
        _ code: Int,
        _ description: String,
        severity: String = "normal",
        vm: String? = nil,
        host: String? = nil,
        cluster: String? = nil,
        dataCenter: String? = nil
    ) {
        Self.appendEvent(
            to: &inventory,
            code: code,
            description: description,
            severity: severity,
            time: now,
            correlationID: correlationID,
            vm: vm,
            host: host,
            cluster: cluster,
            dataCenter: dataCenter
        )
    }

    static func appendEvent(
        to inventory: inout OvirtInventory,
        code: Int,
        description: String,
        severity: String = "normal",
        time: Int64? = nil,
        correlationID: String,
        vm: String? = nil,
        host: String? = nil,
        cluster: String? = nil,
        dataCenter: String? = nil
    ) {
        inventory.events.append(
            SimEvent(
                index: inventory.nextEventIndex,
                code: code,
                severity: severity,
                description: description,
                time: time ?? EngineState.now(),
                correlationID: correlationID,
                vmID: vm,
                hostID: host,
                clusterID: cluster,
                dataCenterID: dataCenter
            )
        )
        inventory.nextEventIndex += 1
    }

    /// Records the command's job as failed in `inventory` (the state before
    /// the command), when the command got as far as starting one.
    func recordFailure(_ fault: EngineFault, into inventory: inout OvirtInventory) {
        guard var job else { return }
        job.status = "failed"
        job.endTime = now
        inventory.jobs.append(job)
    }

    // MARK: Lookups, as the REST layer does them

    private func cluster(_ reference: RequestNode) throws(EngineFault) -> SimCluster {
        if let id = reference.id {
            guard let cluster = inventory.cluster(id) else { throw .entityNotFound("GetClusterById") }
            return cluster
        }
        let name = reference.referenceName ?? ""
        guard let cluster = inventory.clusters.first(where: { $0.name == name }) else {
            throw .entityNotFound("Cluster: name=\(name)")
        }
        return cluster
    }

    private func template(_ reference: RequestNode, dataCenterID: String) throws(EngineFault) -> SimTemplate {
        if let id = reference.id {
            guard let template = inventory.template(id) else { throw .entityNotFound("GetVmTemplate") }
            return template
        }
        let name = reference.referenceName ?? ""
        let match = inventory.templates.first { template in
            template.name == name
                && (template.clusterID == nil || inventory.cluster(template.clusterID)?.dataCenterID == dataCenterID)
        }
        guard let match else { throw .entityNotFound("GetVmTemplate") }
        return match
    }

    /// `storage_domains/storage_domain` of a disk: by id the REST layer
    /// answers "Entity not found: ID"; by an unknown name a bare 404.
    private func storageDomain(of disk: RequestNode) throws(EngineFault) -> SimStorageDomain? {
        guard let reference = disk.items("storage_domains", "storage_domain").first else { return nil }
        if let id = reference.id {
            guard let domain = inventory.storageDomain(id) else { throw .entityNotFound(id) }
            return domain
        }
        if let name = reference.referenceName {
            guard let domain = inventory.storageDomains.first(where: { $0.name == name }) else { throw .notFound }
            return domain
        }
        return nil
    }

    private func vmIndex(_ id: String) throws(EngineFault) -> Int {
        guard let index = inventory.vms.firstIndex(where: { $0.id == id }) else { throw .notFound }
        return index
    }

    private func require(_ node: RequestNode, type: String, method: String = "add", _ fields: [String]) throws(EngineFault) {
        var missing: [String] = []
        for field in fields {
            let alternatives = field.split(separator: "|").map(String.init)
            // "cluster.id|name": the prefix before the last dot applies to each alternative.
            let present: Bool
            if let dot = alternatives[0].lastIndex(of: ".") {
                let parent = String(alternatives[0][..<dot])
                let first = String(alternatives[0][alternatives[0].index(after: dot)...])
                let names = [first] + alternatives.dropFirst()
                let element = node.child(Self.elementPath(parent))
                present = names.contains { name in
                    name == "id" ? element?.id != nil : element?.string(name)?.isEmpty == false
                }
            } else {
                present = alternatives.contains { name in
                    name == "id" ? node.id != nil : node.string(Self.elementPath(name))?.isEmpty == false
                }
            }
            if !present { missing.append(field) }
        }
        if !missing.isEmpty { throw .incomplete(type, missing, for: method) }
    }

    /// `dataCenter` → `data_center`, `provisionedSize` → `provisioned_size`.
    private static func elementPath(_ javaName: String) -> String {
        var result = ""
        for character in javaName {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    // MARK: Networks

    mutating func addNetwork(_ body: RequestNode) throws(EngineFault) -> String {
        try require(body, type: "Network", ["name", "dataCenter.name|id"])
        let name = body.string("name")!
        let dataCenterReference = body.child("data_center")!
        let dataCenter: SimDataCenter
        if let id = dataCenterReference.id {
            beginJob("Adding network \(name) to Data Center: ")
            guard let found = inventory.dataCenter(id) else { throw .badRequest("Data Center doesn't exist.") }
            dataCenter = found
        } else {
            let dcName = dataCenterReference.referenceName ?? ""
            guard let found = inventory.dataCenters.first(where: { $0.name == dcName }) else {
                throw .entityNotFound("Datacenter: name=\(dcName)")
            }
            dataCenter = found
        }
        beginJob("Adding network \(name) to Data Center: \(dataCenter.name)")
        var vlan: Int?
        if let vlanNode = body.child("vlan"), let text = vlanNode.id {
            guard let value = Int(text) else { throw .malformed("Invalid VLAN id '\(text)'") }
            guard (0...4094).contains(value) else { throw .badRequest(EngineMessages.vlanOutOfRange) }
            vlan = value
        }
        if inventory.networks.contains(where: { $0.dataCenterID == dataCenter.id && $0.name == name }) {
            throw .conflict(EngineMessages.networkNameInUse(name))
        }
        var usages = ["vm"]
        if let usagesNode = body.child("usages") {
            usages = usagesNode.children.filter { $0.name == "usage" }.map { $0.text.trimmingCharacters(in: .whitespaces) }
        }
        let profileRequired = body.bool("profile_required") ?? true
        var network = SimNetwork(
            id: Self.newID(),
            name: name,
            description: body.string("description") ?? "",
            dataCenterID: dataCenter.id,
            vlanID: vlan,
            mtu: body.int("mtu") ?? 0,
            usages: usages,
            vnicProfileIDs: [],
            comment: body.string("comment") ?? "",
            profileRequired: profileRequired
        )
        if usages.contains("vm"), profileRequired {
            let profile = SimVnicProfile(id: Self.newID(), name: name, networkID: network.id)
            network.vnicProfileIDs = [profile.id]
            inventory.vnicProfiles.append(profile)
            event(
                1122,
                "VM network interface profile \(name) was added to network \(name) in Data Center: \(dataCenter.name). (User: \(userName))",
                dataCenter: dataCenter.id
            )
        }
        inventory.networks.append(network)
        event(942, "Finished adding Network \(name) to Data Center: \(dataCenter.name)", dataCenter: dataCenter.id)
        commitJob()
        return network.id
    }

    mutating func updateNetwork(_ id: String, _ body: RequestNode) throws(EngineFault) -> String {
        guard let index = inventory.networks.firstIndex(where: { $0.id == id }) else { throw .notFound }
        var network = inventory.networks[index]
        beginJob("Updating network \(network.name)")
        if let name = body.string("name"), name != network.name {
            if inventory.networks.contains(where: { $0.dataCenterID == network.dataCenterID && $0.name == name && $0.id != id }) {
                throw .conflict(EngineMessages.networkNameInUse(name).replacingOccurrences(of: "Cannot add", with: "Cannot edit"))
            }
            network.name = name
        }
        if let vlanText = body.child("vlan")?.id {
            guard let value = Int(vlanText), (0...4094).contains(value) else {
                throw .badRequest(EngineMessages.vlanOutOfRange)
            }
            network.vlanID = value
        }
        if let description = body.string("description") { network.description = description }
        if let comment = body.string("comment") { network.comment = comment }
        if let mtu = body.int("mtu") { network.mtu = mtu }
        inventory.networks[index] = network
        commitJob()
        return id
    }

    private func vmsUsing(network id: String, cluster: String? = nil) -> [String] {
        let profiles = Set(inventory.vnicProfiles.filter { $0.networkID == id }.map(\.id))
        return inventory.vms
            .filter { vm in (cluster == nil || vm.clusterID == cluster) && vm.nics.contains { profiles.contains($0.vnicProfileID) } }
            .map(\.name)
            .sorted()
    }

    private func isManagement(_ network: SimNetwork) -> Bool {
        network.usages.contains("management") || inventory.clusters.contains { $0.networkIDs.first == network.id }
    }

    mutating func removeNetwork(_ id: String) throws(EngineFault) {
        guard let network = inventory.network(id) else { throw .notFound }
        let dcName = inventory.dataCenter(network.dataCenterID)?.name ?? ""
        beginJob("Removing network \(network.name) from Data Center: \(dcName)")
        if isManagement(network) { throw .badRequest(EngineMessages.managementNetworkMandatory(network.name)) }
        let users = vmsUsing(network: id)
        if !users.isEmpty { throw .conflict(EngineMessages.networkInUse(action: "remove", byVMs: users)) }
        for index in inventory.clusters.indices {
            inventory.clusters[index].networkIDs.removeAll { $0 == id }
            inventory.clusters[index].requiredNetworkIDs.remove(id)
        }
        for index in inventory.hosts.indices where inventory.hosts[index].networkAttachments.contains(where: { $0.networkID == id }) {
            // The engine removes it from the hosts with a persistent setup networks.
            inventory.hosts[index].networkAttachments.removeAll { $0.networkID == id }
        }
        inventory.vnicProfiles.removeAll { $0.networkID == id }
        inventory.networks.removeAll { $0.id == id }
        event(944, "Finished Network \(network.name) removal from Data Center: \(dcName)", dataCenter: network.dataCenterID)
        commitJob()
    }

    mutating func addVnicProfile(_ body: RequestNode) throws(EngineFault) -> String {
        try require(body, type: "VnicProfile", ["name", "network.id"])
        let name = body.string("name")!
        let networkID = body.child("network")!.id!
        guard let network = inventory.network(networkID) else { throw .entityNotFound("Network: id=\(networkID)") }
        beginJob("Adding vNIC profile \(name) to network \(network.name)")
        if inventory.vnicProfiles.contains(where: { $0.networkID == networkID && $0.name == name }) {
            throw .conflict(EngineMessages.vnicProfileNameInUse(action: "add"))
        }
        let profile = SimVnicProfile(id: Self.newID(), name: name, networkID: networkID)
        inventory.vnicProfiles.append(profile)
        if let index = inventory.networks.firstIndex(where: { $0.id == networkID }) {
            inventory.networks[index].vnicProfileIDs.append(profile.id)
        }
        let dcName = inventory.dataCenter(network.dataCenterID)?.name ?? ""
        event(
            1122,
            "VM network interface profile \(name) was added to network \(network.name) in Data Center: \(dcName). (User: \(userName))",
            dataCenter: network.dataCenterID
        )
        commitJob()
        return profile.id
    }

    mutating func removeVnicProfile(_ id: String) throws(EngineFault) {
        guard let profile = inventory.vnicProfile(id) else { throw .notFound }
        beginJob("Removing vNIC profile \(profile.name)")
        let users = inventory.vms.filter { $0.nics.contains { $0.vnicProfileID == id } }.map(\.name).sorted()
        if !users.isEmpty {
            throw .conflict("Cannot remove VM network interface profile. The VM network interface profile is in use by the following VMs: \(users.joined(separator: ", ")).")
        }
        inventory.vnicProfiles.removeAll { $0.id == id }
        for index in inventory.networks.indices { inventory.networks[index].vnicProfileIDs.removeAll { $0 == id } }
        commitJob()
    }

    // MARK: Cluster networks

    mutating func attachNetwork(toCluster clusterID: String, _ body: RequestNode) throws(EngineFault) -> String {
        guard let clusterIndex = inventory.clusters.firstIndex(where: { $0.id == clusterID }) else { throw .notFound }
        let cluster = inventory.clusters[clusterIndex]
        try require(body, type: "Network", ["id|name"])
        let network: SimNetwork
        if let id = body.id {
            guard let found = inventory.network(id) else { throw .entityNotFound("GetNetworkById") }
            network = found
        } else {
            let name = body.string("name") ?? ""
            guard let found = inventory.networks.first(where: { $0.name == name && $0.dataCenterID == cluster.dataCenterID }) else {
                throw .entityNotFound("Network: name=\(name)")
            }
            network = found
        }
        beginJob("Attaching Network \(network.name) to Cluster \(cluster.name)")
        if cluster.networkIDs.contains(network.id) {
            throw .conflict(EngineMessages.networkAlreadyAttachedToCluster)
        }
        inventory.clusters[clusterIndex].networkIDs.append(network.id)
        if body.bool("required") ?? true {
            inventory.clusters[clusterIndex].requiredNetworkIDs.insert(network.id)
        }
        event(946, "Network \(network.name) attached to Cluster \(cluster.name)", cluster: cluster.id, dataCenter: cluster.dataCenterID)
        commitJob()
        return network.id
    }

    mutating func detachNetwork(fromCluster clusterID: String, networkID: String) throws(EngineFault) {
        guard let clusterIndex = inventory.clusters.firstIndex(where: { $0.id == clusterID }),
            inventory.clusters[clusterIndex].networkIDs.contains(networkID),
            let network = inventory.network(networkID)
        else { throw .notFound }
        let cluster = inventory.clusters[clusterIndex]
        beginJob("Detaching Network \(network.name) from Cluster \(cluster.name)")
        if cluster.networkIDs.first == networkID {
            throw .badRequest(EngineMessages.managementNetworkMandatory(network.name))
        }
        let users = vmsUsing(network: networkID, cluster: clusterID)
        if !users.isEmpty { throw .conflict(EngineMessages.networkInUse(action: "detach", byVMs: users)) }
        inventory.clusters[clusterIndex].networkIDs.removeAll { $0 == networkID }
        inventory.clusters[clusterIndex].requiredNetworkIDs.remove(networkID)
        for index in inventory.hosts.indices where inventory.hosts[index].clusterID == clusterID {
            inventory.hosts[index].networkAttachments.removeAll { $0.networkID == networkID }
        }
        event(948, "Network \(network.name) detached from Cluster \(cluster.name)", cluster: cluster.id, dataCenter: cluster.dataCenterID)
        commitJob()
    }

    // MARK: Host networking

    mutating func setupNetworks(host hostID: String, _ action: RequestNode) throws(EngineFault) -> String? {
        guard let hostIndex = inventory.hosts.firstIndex(where: { $0.id == hostID }) else { throw .notFound }
        var host = inventory.hosts[hostIndex]
        beginJob("Configuring networks on host \(host.name)")
        guard let cluster = inventory.cluster(host.clusterID) else { throw .notFound }
        var attachments = host.networkAttachments

        let removedIDs = action.items("removed_network_attachments", "network_attachment").compactMap(\.id)
        let unknown = removedIDs.filter { id in !attachments.contains { $0.id == id } }
        if !unknown.isEmpty { throw .badRequest(EngineMessages.attachmentsToRemoveDoNotExist(unknown)) }
        attachments.removeAll { removedIDs.contains($0.id) }

        for item in action.items("modified_network_attachments", "network_attachment") {
            let network: SimNetwork
            if let reference = item.child("network"), let id = reference.id {
                guard let found = inventory.network(id) else { throw .badRequest(EngineMessages.networkIDNotExists(id)) }
                network = found
            } else if let name = item.child("network")?.referenceName {
                guard let found = inventory.networks.first(where: { $0.name == name && $0.dataCenterID == cluster.dataCenterID }) else {
                    throw .badRequest(EngineMessages.networkNameNotExists(name))
                }
                network = found
            } else if let id = item.id, let existing = attachments.first(where: { $0.id == id }),
                let found = inventory.network(existing.networkID)
            {
                network = found
            } else {
                throw .badRequest(
                    "Cannot setup Networks. There's unset networkId or networkName among given network attachments. At least one of them should be set."
                )
            }
            guard cluster.networkIDs.contains(network.id) else {
                throw .badRequest(EngineMessages.networkNotInCluster(network.name))
            }
            let nicReference = item.child("host_nic")
            let nicID = nicReference?.id
            let nicName = nicReference?.referenceName
            let nic = host.nics.first { ($0.id == nicID && nicID != nil) || ($0.name == nicName && nicID == nil && nicName != nil) }
            var existingIndex = attachments.firstIndex { $0.networkID == network.id }
            if let id = item.id {
                guard let index = attachments.firstIndex(where: { $0.id == id }) else {
                    throw .badRequest("Cannot setup Networks. Updated Network Attachment (id '\(id)') does not exist.")
                }
                existingIndex = index
            }
            let targetNIC: SimHostNic
            if let nic {
                targetNIC = nic
            } else if nicReference == nil, let existingIndex, let current = host.nics.first(where: { $0.id == attachments[existingIndex].nicID }) {
                targetNIC = current
            } else {
                throw .badRequest(EngineMessages.hostNicNotExists(id: nicID, name: nicName))
            }
            if host.nics.contains(where: { $0.bondSlaveIDs.contains(targetNIC.id) }) {
                throw .badRequest(EngineMessages.attachmentOnSlaveOrVlan(network: network.name, nic: targetNIC.name))
            }
            var attachment = existingIndex.map { attachments[$0] }
                ?? SimNetworkAttachment(id: Self.newID(), networkID: network.id, nicID: targetNIC.id)
            attachment.nicID = targetNIC.id
            if let assignment = item.items("ip_address_assignments", "ip_address_assignment").first {
                attachment.bootProtocol = assignment.string("assignment_method") ?? "none"
                attachment.address = assignment.string("ip.address")
                attachment.netmask = assignment.string("ip.netmask")
                attachment.gateway = assignment.string("ip.gateway")
            }
            if let existingIndex {
                attachments[existingIndex] = attachment
            } else {
                attachments.append(attachment)
            }
        }

        // Per NIC: at most one untagged network; VLAN tags unique.
        var untaggedViolations: [String] = []
        for nic in host.nics {
            let networks = attachments.filter { $0.nicID == nic.id }.compactMap { inventory.network($0.networkID) }
            if networks.filter({ $0.vlanID == nil }).count > 1 { untaggedViolations.append(nic.name) }
            var seen: Set<Int> = []
            for vlan in networks.compactMap(\.vlanID) where !seen.insert(vlan).inserted {
                throw .conflict(EngineMessages.vlanInUse(vlan))
            }
        }
        if !untaggedViolations.isEmpty { throw .conflict(EngineMessages.untaggedNotExclusive(untaggedViolations)) }

        let changed = attachments.map(\.id) != host.networkAttachments.map(\.id)
            || zip(attachments, host.networkAttachments).contains { $0.nicID != $1.nicID || $0.address != $1.address }
        host.networkAttachments = attachments
        if action.bool("commit_on_success") == true {
            host.netConfigCommitted = true
            event(10903, "(1/1): Successfully applied changes on host \(host.name). (User: \(userName))", host: host.id)
        } else if changed {
            host.netConfigCommitted = false
        }
        inventory.hosts[hostIndex] = host
        return commitJob()
    }

    mutating func commitNetConfig(host hostID: String) throws(EngineFault) -> String? {
        guard let hostIndex = inventory.hosts.firstIndex(where: { $0.id == hostID }) else { throw .notFound }
        let name = inventory.hosts[hostIndex].name
        beginJob("Applying saved network configuration to Host \(name)")
        inventory.hosts[hostIndex].netConfigCommitted = true
        event(1104, "Network changes were saved on host \(name)", host: hostID)
        return commitJob()
    }

    // MARK: VMs

    static let maxVMNameLength = 64

    static func isValidVMName(_ name: String) -> Bool {
        name.allSatisfy { $0.isLetter || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    static func initialization(from node: RequestNode?) -> SimInitialization? {
        guard let node else { return nil }
        var initialization = SimInitialization(
            hostName: node.string("host_name"),
            userName: node.string("user_name"),
            authorizedSSHKeys: node.child("authorized_ssh_keys")?.text,
            dnsServers: node.string("dns_servers"),
            dnsSearch: node.string("dns_search"),
            customScript: node.child("custom_script")?.text,
            timezone: node.string("timezone")
        )
        initialization.nicConfigurations = node.items("nic_configurations", "nic_configuration").map { item in
            SimNicConfiguration(
                name: item.string("name") ?? "eth0",
                bootProtocol: item.string("boot_protocol"),
                onBoot: item.bool("on_boot"),
                address: item.string("ip.address"),
                netmask: item.string("ip.netmask"),
                gateway: item.string("ip.gateway")
            )
        }
        return initialization
    }

    mutating func addVM(_ body: RequestNode) throws(EngineFault) -> String {
        try require(body, type: "Vm", ["cluster.id|name"])
        try require(body, type: "Vm", ["name"])
        try require(body, type: "Vm", ["template.id|name"])
        let name = body.string("name")!
        let cluster = try cluster(body.child("cluster")!)
        let template = try template(body.child("template")!, dataCenterID: cluster.dataCenterID)
        beginJob("Creating VM \(name) in Cluster \(cluster.name)")
        if !Self.isValidVMName(name) {
            throw .badRequest(EngineMessages.nameSpecialCharacters(action: "add", type: "VM"))
        }
        if inventory.vms.contains(where: { $0.name == name }) {
            throw .conflict(EngineMessages.nameInUse(action: "add", type: "VM"))
        }
        if name.count > Self.maxVMNameLength {
            throw .badRequest(EngineMessages.nameTooLong(action: "add", type: "VM"))
        }

        // Template disks, with the storage domain and format the request picks.
        var disks: [SimDisk] = []
        let vmID = Self.newID()
        for (number, templateDiskID) in template.diskIDs.enumerated() {
            guard var disk = inventory.disk(templateDiskID) else { continue }
            let override = body.items("disk_attachments", "disk_attachment")
                .compactMap { $0.child("disk") }
                .first { $0.id == templateDiskID }
            if let override {
                if let domain = try storageDomain(of: override) { disk.storageDomainID = domain.id }
                if let format = override.string("format") { disk.format = format }
                if let sparse = override.bool("sparse") { disk.sparse = sparse }
                if let alias = override.string("alias") ?? override.string("name") { disk.name = alias }
                try checkImageConfiguration(format: disk.format, sparse: disk.sparse, domainID: disk.storageDomainID)
            }
            if override?.string("alias") == nil, override?.string("name") == nil {
                disk.name = "\(name)_Disk\(number + 1)"
            }
            disk.id = Self.newID()
            disk.imageID = Self.newID()
            disk.status = "locked"
            disk.actualSize = disk.sparse ? disk.actualSize : disk.provisionedSize
            disks.append(disk)
        }

        let memory = body.int64("memory") ?? template.memory
        let vm = SimVM(
            id: vmID,
            name: name,
            description: body.string("description") ?? "",
            comment: body.string("comment") ?? "",
            clusterID: cluster.id,
            hostID: nil,
            templateID: template.id,
            status: "image_locked",
            memory: memory,
            sockets: body.int("cpu.topology.sockets") ?? 1,
            cores: body.int("cpu.topology.cores") ?? template.cores,
            threads: body.int("cpu.topology.threads") ?? 1,
            osType: body.string("os.type") ?? template.osType,
            fqdn: nil,
            creationTime: now,
            startTime: nil,
            stopTime: nil,
            highlyAvailable: body.bool("high_availability.enabled") ?? false,
            guestDistribution: "RED OS",
            guestKernel: "6.1.52-1.el8",
            nics: [],
            diskAttachments: disks.map { SimDiskAttachment(diskID: $0.id, bootable: $0.bootable, interface: "virtio_scsi") },
            reportedDevices: [],
            initialization: Self.initialization(from: body.child("initialization")),
            memoryGuaranteed: body.int64("memory_policy.guaranteed")
        )
        inventory.disks.append(contentsOf: disks)
        inventory.vms.append(vm)
        event(37, "VM \(name) creation was initiated by \(userName).", vm: vmID, cluster: cluster.id, dataCenter: cluster.dataCenterID)
        let diskIDs = disks.map(\.id)
        let correlationID = self.correlationID
        commitJob(finishAfter: 1) { inventory in
            if let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].status == "image_locked" {
                inventory.vms[index].status = "down"
            }
            for index in inventory.disks.indices where diskIDs.contains(inventory.disks[index].id) {
                inventory.disks[index].status = "ok"
            }
            WriteTransaction.appendEvent(
                to: &inventory, code: 53, description: "VM \(name) creation has been completed.",
                correlationID: correlationID, vm: vmID, cluster: cluster.id, dataCenter: cluster.dataCenterID
            )
        }
        return vmID
    }

    mutating func updateVM(_ id: String, _ body: RequestNode) throws(EngineFault) -> String {
        let index = try vmIndex(id)
        var vm = inventory.vms[index]
        beginJob("Editing VM \(vm.name)")
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "edit", type: "VM")) }
        if let name = body.string("name"), name != vm.name {
            if !Self.isValidVMName(name) { throw .badRequest(EngineMessages.nameSpecialCharacters(action: "edit", type: "VM")) }
            if name.count > Self.maxVMNameLength { throw .badRequest(EngineMessages.nameTooLong(action: "edit", type: "VM")) }
            if inventory.vms.contains(where: { $0.name == name }) {
                throw .conflict(EngineMessages.nameInUse(action: "edit", type: "VM"))
            }
            vm.name = name
        }
        if let description = body.string("description") { vm.description = description }
        if let comment = body.string("comment") { vm.comment = comment }
        if let memory = body.int64("memory") { vm.memory = memory }
        if let guaranteed = body.int64("memory_policy.guaranteed") { vm.memoryGuaranteed = guaranteed }
        if let cores = body.int("cpu.topology.cores") { vm.cores = cores }
        if let sockets = body.int("cpu.topology.sockets") { vm.sockets = sockets }
        if let threads = body.int("cpu.topology.threads") { vm.threads = threads }
        if let osType = body.string("os.type") { vm.osType = osType }
        if let initialization = Self.initialization(from: body.child("initialization")) { vm.initialization = initialization }
        inventory.vms[index] = vm
        commitJob()
        return id
    }

    mutating func removeVM(_ id: String, detachOnly: Bool) throws(EngineFault) {
        let index = try vmIndex(id)
        let vm = inventory.vms[index]
        beginJob("Removing VM \(vm.name) from system")
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "remove", type: "VM")) }
        if Self.runningStatuses.contains(vm.status) { throw .conflict(EngineMessages.vmRunning(action: "remove")) }
        if !detachOnly {
            let diskIDs = Set(vm.diskAttachments.map(\.diskID))
            inventory.disks.removeAll { diskIDs.contains($0.id) }
        }
        inventory.vms.remove(at: index)
        event(113, "VM \(vm.name) was successfully removed by \(userName).", cluster: vm.clusterID)
        commitJob()
    }

    static let runningStatuses: Set<String> = [
        "up", "wait_for_launch", "powering_up", "powering_down", "migrating", "paused", "reboot_in_progress",
        "saving_state", "restoring_state", "suspended", "not_responding", "unknown",
    ]

    /// `ImagesHandler.checkImageConfiguration`: preallocated COW anywhere and
    /// sparse RAW on block storage are refused.
    private func checkImageConfiguration(format: String, sparse: Bool, domainID: String) throws(EngineFault) {
        let block = ["fcp", "iscsi"].contains(inventory.storageDomain(domainID)?.storageType ?? "")
        let preallocatedCow = !sparse && format == "cow"
        let sparseRawOnBlock = block && sparse && format == "raw"
        if preallocatedCow || sparseRawOnBlock {
            throw .conflict(
                EngineMessages.diskConfigurationNotSupported(format: format == "cow" ? "COW" : "RAW", type: sparse ? "Sparse" : "Preallocated")
            )
        }
    }

    mutating func addDisk(vm vmID: String, _ body: RequestNode) throws(EngineFault) -> String {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        guard let diskNode = body.child("disk") else { throw .incomplete("DiskAttachment", ["disk"], for: "add") }
        if let existingID = diskNode.id {
            // Attach an existing (floating) disk.
            guard let disk = inventory.disk(existingID),
                !inventory.vms.contains(where: { $0.diskAttachments.contains { $0.diskID == existingID } }),
                !inventory.templates.contains(where: { $0.diskIDs.contains(existingID) })
            else { throw .entityNotFound(existingID) }
            beginJob("Attaching Disk \(disk.name) to VM \(vm.name)")
            if vm.status == "image_locked" {
                throw .conflict(EngineMessages.vmStatusIllegal(action: "attach", type: "Virtual Disk", status: "Image Locked"))
            }
            inventory.vms[index].diskAttachments.append(
                SimDiskAttachment(diskID: existingID, bootable: body.bool("bootable") ?? false, interface: body.string("interface") ?? "virtio_scsi", active: body.bool("active") ?? true)
            )
            commitJob()
            return existingID
        }
        try require(diskNode, type: "Disk", ["provisionedSize|size", "format"])
        guard let domain = try storageDomain(of: diskNode) else { throw .badRequest(EngineMessages.storageDomainNotSpecified) }
        let alias = diskNode.string("alias") ?? diskNode.string("name") ?? "\(vm.name)_Disk\(vm.diskAttachments.count + 1)"
        beginJob("Adding Disk \(alias)")
        let size = diskNode.int64("provisioned_size") ?? diskNode.int64("size") ?? 0
        if size <= 0 { throw .badRequest(EngineMessages.diskSizeZero) }
        let format = diskNode.string("format") ?? "cow"
        let sparse = diskNode.bool("sparse") ?? (format == "cow")
        try checkImageConfiguration(format: format, sparse: sparse, domainID: domain.id)
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "add", type: "Virtual Disk")) }
        let disk = SimDisk(
            id: Self.newID(),
            name: alias,
            description: diskNode.string("description") ?? "",
            provisionedSize: size,
            actualSize: sparse ? 0 : size,
            format: format,
            sparse: sparse,
            storageDomainID: domain.id,
            imageID: Self.newID(),
            status: "locked",
            bootable: body.bool("bootable") ?? false
        )
        inventory.disks.append(disk)
        inventory.vms[index].diskAttachments.append(
            SimDiskAttachment(
                diskID: disk.id,
                bootable: disk.bootable,
                interface: body.string("interface") ?? "virtio_scsi",
                active: body.bool("active") ?? true
            )
        )
        event(78, "Add-Disk operation of \(alias) was initiated on VM \(vm.name) by \(userName).", vm: vmID)
        let diskID = disk.id
        let vmName = vm.name
        let correlationID = self.correlationID
        commitJob(finishAfter: 1) { inventory in
            if let diskIndex = inventory.disks.firstIndex(where: { $0.id == diskID }) {
                inventory.disks[diskIndex].status = "ok"
            }
            WriteTransaction.appendEvent(
                to: &inventory, code: 97, description: "The disk \(alias) was successfully added to VM \(vmName).",
                correlationID: correlationID, vm: vmID
            )
        }
        return diskID
    }

    mutating func updateDiskAttachment(vm vmID: String, disk diskID: String, _ body: RequestNode) throws(EngineFault) -> String {
        let vmIndex = try vmIndex(vmID)
        let vm = inventory.vms[vmIndex]
        guard let attachmentIndex = vm.diskAttachments.firstIndex(where: { $0.diskID == diskID }),
            let diskIndex = inventory.disks.firstIndex(where: { $0.id == diskID })
        else { throw .notFound }
        var disk = inventory.disks[diskIndex]
        beginJob("Updating Disk \(disk.name) properties for VMs: \(vm.name)")
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "edit", type: "Virtual Disk")) }
        var extendTo: Int64?
        if let size = body.int64("disk.provisioned_size") ?? body.int64("disk.size"), size != disk.provisionedSize {
            if size < disk.provisionedSize { throw .badRequest(EngineMessages.diskSizeTooSmall) }
            if disk.status == "locked" {
                throw .conflict("Cannot edit Virtual Disk: The following disks are locked: \(disk.name). Please try again in a few minutes.")
            }
            extendTo = size
        }
        if let alias = body.string("disk.alias") ?? body.string("disk.name") { disk.name = alias }
        if let description = body.string("disk.description") { disk.description = description }
        var attachment = vm.diskAttachments[attachmentIndex]
        if let bootable = body.bool("bootable") { attachment.bootable = bootable; disk.bootable = bootable }
        if let interface = body.string("interface") { attachment.interface = interface }
        if let active = body.bool("active") { attachment.active = active }
        inventory.vms[vmIndex].diskAttachments[attachmentIndex] = attachment
        if let extendTo {
            disk.provisionedSize = extendTo
            disk.status = "locked"
            inventory.disks[diskIndex] = disk
            let alias = disk.name
            let userName = self.userName
            let correlationID = self.correlationID
            commitJob(finishAfter: 1) { inventory in
                if let index = inventory.disks.firstIndex(where: { $0.id == diskID }) { inventory.disks[index].status = "ok" }
                WriteTransaction.appendEvent(
                    to: &inventory, code: 371,
                    description: "Size of the disk '\(alias)' was successfully updated to \(extendTo >> 30) GB by \(userName).",
                    correlationID: correlationID, vm: vmID
                )
            }
        } else {
            inventory.disks[diskIndex] = disk
            commitJob()
        }
        return diskID
    }

    mutating func removeDiskAttachment(vm vmID: String, disk diskID: String, detachOnly: Bool) throws(EngineFault) {
        let vmIndex = try vmIndex(vmID)
        let vm = inventory.vms[vmIndex]
        guard vm.diskAttachments.contains(where: { $0.diskID == diskID }), let disk = inventory.disk(diskID) else { throw .notFound }
        beginJob(detachOnly ? "Detaching Disk \(disk.name) from VM \(vm.name)" : "Removing Disk \(disk.name)")
        if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "remove", type: "Virtual Disk")) }
        if Self.runningStatuses.contains(vm.status), !detachOnly {
            throw .conflict(EngineMessages.vmStatusIllegal(action: "remove", type: "Virtual Disk", status: EngineMessages.localizedStatus(vm.status)))
        }
        inventory.vms[vmIndex].diskAttachments.removeAll { $0.diskID == diskID }
        if !detachOnly { inventory.disks.removeAll { $0.id == diskID } }
        commitJob()
    }

    // MARK: VM NICs

    /// The next MAC of the pool `56:6f:…` (the engine's default range);
    /// seeded NICs use `56:6f:00:…`, new ones count from `56:6f:c0:00:00:00`.
    mutating func nextMAC() -> String {
        let value = 0xC0_0000 + inventory.macCounter
        inventory.macCounter += 1
        return "56:6f:\(InventorySeeder.hex(value >> 16)):\(InventorySeeder.hex(value >> 8)):\(InventorySeeder.hex(value))"
    }

    mutating func addNic(vm vmID: String, _ body: RequestNode) throws(EngineFault) -> String {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        try require(body, type: "Nic", ["name"])
        let name = body.string("name")!
        beginJob("Adding Network Interface \(name) to VM \(vm.name)")
        if !["up", "down", "image_locked"].contains(vm.status) {
            throw .conflict("Cannot add a Network Interface when VM is not Down, Up or Image-Locked.")
        }
        if vm.nics.contains(where: { $0.name == name }) { throw .conflict(EngineMessages.interfaceNameInUse) }
        var profileID = ""
        if let reference = body.child("vnic_profile"), let id = reference.id {
            guard inventory.vnicProfile(id) != nil else {
                throw .badRequest("Cannot add Interface. The specified VM network interface profile doesn't exist.")
            }
            profileID = id
        }
        let interface = body.string("interface") ?? "virtio"
        let mac = body.string("mac.address") ?? nextMAC()
        let nic = SimVMNic(id: Self.newID(), name: name, mac: mac, vnicProfileID: profileID, interface: interface)
        inventory.vms[index].nics.append(nic)
        let shown = ["virtio": "VirtIO", "e1000": "e1000", "rtl8139": "rtl8139"][interface] ?? interface
        event(932, "Interface \(name) (\(shown)) was added to VM \(vm.name). (User: \(userName))", vm: vmID)
        commitJob()
        return nic.id
    }

    mutating func removeNic(vm vmID: String, nic nicID: String) throws(EngineFault) {
        let index = try vmIndex(vmID)
        guard let nic = inventory.vms[index].nics.first(where: { $0.id == nicID }) else { throw .notFound }
        beginJob("Removing Network Interface \(nic.name) from VM \(inventory.vms[index].name)")
        inventory.vms[index].nics.removeAll { $0.id == nicID }
        commitJob()
    }

    // MARK: VM actions

    mutating func start(vm vmID: String, _ action: RequestNode) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        var vm = inventory.vms[index]
        beginJob("Launching VM \(vm.name)")
        if vm.status == "image_locked" {
            throw .conflict(EngineMessages.vmStatusIllegal(action: "run", type: "VM", status: "Image Locked"))
        }
        let locked = vm.diskAttachments.compactMap { inventory.disk($0.diskID) }.filter { $0.status == "locked" }.map(\.name)
        if !locked.isEmpty { throw .conflict(EngineMessages.disksLocked(action: "run", aliases: locked)) }
        if vm.status != "down" && vm.status != "suspended" { throw .conflict(EngineMessages.vmRunning(action: "run")) }

        let candidates = inventory.hosts.filter { $0.clusterID == vm.clusterID && $0.status == "up" }
        let load = Dictionary(grouping: inventory.vms.compactMap(\.hostID), by: { $0 }).mapValues(\.count)
        let host = candidates.min { (load[$0.id] ?? 0, $0.name) < (load[$1.id] ?? 0, $1.name) }
        guard let host else {
            throw .conflict("Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:")
        }
        let runOnce = Self.initialization(from: action.child("vm.initialization"))
        vm.runOnceInitialization = runOnce
        vm.runOnce = action.child("vm") != nil
        vm.status = "wait_for_launch"
        vm.hostID = host.id
        vm.startTime = now
        vm.stopTime = nil
        inventory.vms[index] = vm
        event(150, "Starting VM \(vm.name) was initiated by \(userName).", vm: vmID, host: host.id)
        let startTime = now
        let userName = self.userName
        let correlationID = self.correlationID
        let engineName = self.engineName
        later(1) { inventory in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].startTime == startTime,
                inventory.vms[index].status == "wait_for_launch"
            else { return }
            inventory.vms[index].status = "powering_up"
        }
        return commitJob(finishAfter: 2) { inventory in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].startTime == startTime,
                ["wait_for_launch", "powering_up"].contains(inventory.vms[index].status)
            else { return }
            var vm = inventory.vms[index]
            vm.status = "up"
            let initialization = vm.runOnceInitialization ?? vm.initialization
            vm.fqdn = initialization?.hostName ?? "\(vm.name).\(engineName).lab.local"
            vm.reportedDevices = WriteTransaction.reportedDevices(for: vm, initialization: initialization)
            inventory.vms[index] = vm
            WriteTransaction.appendEvent(
                to: &inventory, code: 153,
                description: "VM \(vm.name) was started by \(userName) (Host: \(host.name)).",
                correlationID: correlationID, vm: vmID, host: host.id
            )
        }
    }

    /// What the guest agent reports once the VM is up: one device per NIC
    /// with the static address of the matching nic configuration (by order),
    /// or an address from the simulator's DHCP range.
    static func reportedDevices(for vm: SimVM, initialization: SimInitialization?) -> [SimReportedDevice] {
        let configurations = initialization?.nicConfigurations ?? []
        return vm.nics.enumerated().map { offset, nic in
            let configuration = offset < configurations.count ? configurations[offset] : nil
            let hash = StableHash.fnv1a(vm.id + nic.mac)
            let ipv4 = configuration?.address ?? "10.15.250.\(2 + Int(hash % 250))"
            let macParts = nic.mac.split(separator: ":")
            let ipv6 = "fe80::546f:\(macParts.count > 3 ? macParts[3] : "00")ff:fe\(macParts.count > 4 ? macParts[4] : "00"):\(macParts.last ?? "00")"
            return SimReportedDevice(
                id: StableID(engine: vm.id).make("reporteddevice", offset),
                name: configuration?.name ?? "eth\(offset)",
                mac: nic.mac,
                ipv4: ipv4,
                ipv6: ipv6
            )
        }
    }

    mutating func stop(vm vmID: String) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        beginJob("Stopping VM \(vm.name)")
        guard Self.runningStatuses.contains(vm.status) else {
            if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "stop", type: "VM")) }
            throw .conflict(EngineMessages.vmNotRunning(action: "stop"))
        }
        let hostName = inventory.host(vm.hostID)?.name ?? "N/A"
        Self.powerOff(&inventory.vms[index], at: now)
        event(33, "VM \(vm.name) powered off by \(userName) (Host: \(hostName)).", vm: vmID, host: vm.hostID)
        return commitJob()
    }

    mutating func shutdown(vm vmID: String) throws(EngineFault) -> String? {
        let index = try vmIndex(vmID)
        let vm = inventory.vms[index]
        beginJob("Shutting down VM \(vm.name)")
        guard Self.runningStatuses.contains(vm.status) else {
            if vm.status == "image_locked" { throw .conflict(EngineMessages.vmLocked(action: "shutdown", type: "VM")) }
            throw .conflict(EngineMessages.vmNotRunning(action: "shutdown"))
        }
        let hostName = inventory.host(vm.hostID)?.name ?? "N/A"
        inventory.vms[index].status = "powering_down"
        event(73, "VM shutdown initiated by \(userName) on VM \(vm.name) (Host: \(hostName)).", vm: vmID, host: vm.hostID)
        let correlationID = self.correlationID
        let name = vm.name
        return commitJob(finishAfter: 1) { inventory in
            guard let index = inventory.vms.firstIndex(where: { $0.id == vmID }), inventory.vms[index].status == "powering_down" else {
                return
            }
            WriteTransaction.powerOff(&inventory.vms[index], at: EngineState.now())
            WriteTransaction.appendEvent(
                to: &inventory, code: 61, description: "VM \(name) is down. Exit message: User shut down from within the guest",
                correlationID: correlationID, vm: vmID
            )
        }
    }

    static func powerOff(_ vm: inout SimVM, at time: Int64) {
        vm.status = "down"
        vm.hostID = nil
        vm.startTime = nil
        vm.stopTime = time
        vm.reportedDevices = []
        vm.fqdn = nil
        vm.runOnce = false
        vm.runOnceInitialization = nil
    }
}
