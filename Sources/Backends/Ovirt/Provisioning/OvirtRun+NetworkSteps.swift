import AggregatorCore
import BackendSupport
import Logging

extension OvirtRun {
    /// The network of the plan's name in the plan's data center, if there is one.
    private func existingNetwork() async throws -> OvirtNetwork? {
        let name = network.name
        let dataCenterID = network.dataCenter.id
        return try await get(OvirtCollection<OvirtNetwork>.self, "networks",
                             query: [("search", "name=\(OvirtRules.searchValue(name))")], expected: "a JSON network list")
            .items.first { $0.name == name && $0.dataCenter?.id == dataCenterID }
    }

    /// Whether `error` is the engine's 409 for something another job (on this replica or another)
    /// made between this job's read and its write: then it is read again and reused.
    private static func isConflict(_ error: any Error) -> Bool {
        (error as? BackendError)?.httpStatus == 409
    }

    func ensureNetwork() async throws -> String {
        let name = network.name
        let dataCenterID = network.dataCenter.id
        let dataCenterName = network.dataCenter.name
        let existing = try await existingNetwork()
        if let existing, let id = existing.id {
            guard existing.vlanID == network.vlanID else {
                let tag = existing.vlanID.map { "VLAN \($0)" } ?? "no VLAN tag"
                return try await step(OvirtStep.createNetwork) {
                    throw BackendError(.httpStatus, engine: self.engine,
                                       message: "network \(name) exists in data center \(dataCenterName) with \(tag), "
                                           + "not VLAN \(self.network.vlanID)", httpStatus: 409)
                }
            }
            await execution.skip(OvirtStep.createNetwork,
                                 reason: "network \(name) with VLAN \(network.vlanID) exists in data center "
                                     + "\(dataCenterName) (id \(id)): reused",
                                 ids: ["network_id": id])
            return id
        }
        return try await step(OvirtStep.createNetwork) {
            let body = OvirtBody.object([
                "name": .string(name),
                "description": .string(OvirtRun.metaDescription(self.payload.meta, limit: 4000)),
                "data_center": .id(dataCenterID),
                "vlan": .object(["id": .int(self.network.vlanID)]),
                "usages": .list("usage", [.string("vm")]),
            ])
            let network: OvirtNetwork
            do {
                network = try await self.write(OvirtNetwork.self, "POST", "networks", body: body, expected: "a JSON network")
            } catch where Self.isConflict(error) {
                guard let made = try await self.existingNetwork(), made.vlanID == self.network.vlanID, let id = made.id else {
                    throw error
                }
                return (id, "network \(name) with VLAN \(self.network.vlanID) was created meanwhile by another job: reused",
                        ["network_id": id])
            }
            guard let id = network.id else { throw self.missingID("POST /networks") }
            return (id, "created network \(name) with VLAN \(self.network.vlanID)", ["network_id": id])
        }
    }

    func ensureVnicProfile(networkID: String) async throws -> String {
        try await step(OvirtStep.vnicProfile) {
            let name = self.network.name
            let profiles = try await self.get(OvirtCollection<OvirtVnicProfile>.self, "networks/\(networkID)/vnicprofiles",
                                              expected: "a JSON vnic profile list").items
            if let profile = profiles.first(where: { $0.name == name }) ?? profiles.first, let id = profile.id {
                return (id, "using vNIC profile \(profile.name ?? id)", ["vnic_profile_id": id])
            }
            let body = OvirtBody.object(["name": .string(name), "network": .id(networkID)])
            let profile = try await self.write(OvirtVnicProfile.self, "POST", "vnicprofiles", body: body,
                                               expected: "a JSON vnic profile")
            guard let id = profile.id else { throw self.missingID("POST /vnicprofiles") }
            return (id, "created vNIC profile \(name)", ["vnic_profile_id": id])
        }
    }

    private func isAttachedToCluster(_ networkID: String) async throws -> Bool {
        try await get(OvirtCollection<OvirtNetwork>.self, "clusters/\(payload.cluster.id)/networks",
                      expected: "a JSON network list").items.contains { $0.id == networkID }
    }

    func ensureClusterAttachment(networkID: String) async throws {
        let clusterID = payload.cluster.id
        if try await isAttachedToCluster(networkID) {
            await execution.skip(OvirtStep.attachToCluster,
                                 reason: "network \(network.name) is attached to cluster \(payload.cluster.name)")
            return
        }
        try await step(OvirtStep.attachToCluster) {
            let body = OvirtBody.object(["id": .string(networkID), "required": .bool(false)])
            do {
                _ = try await self.write(OvirtNetwork.self, "POST", "clusters/\(clusterID)/networks", body: body,
                                         expected: "a JSON network")
            } catch where Self.isConflict(error) {
                guard try await self.isAttachedToCluster(networkID) else { throw error }
                return ((), "attached to cluster \(self.payload.cluster.name) meanwhile by another job", ["cluster_id": clusterID])
            }
            return ((), "attached to cluster \(self.payload.cluster.name)", ["cluster_id": clusterID])
        }
    }

    /// Sets the network up on `host_nic` of every host of the cluster, `host_parallelism` hosts at a
    /// time. Every host is tried; the first failure is thrown after all have finished.
    func ensureHostAttachments(networkID: String) async throws -> Int {
        let clusterID = payload.cluster.id
        let hosts = try await get(OvirtCollection<OvirtHost>.self, "hosts", expected: "a JSON host list").items
            .filter { $0.cluster?.id == clusterID && $0.id != nil }
            .sorted { ($0.name ?? "") < ($1.name ?? "") }
        let facts = try await backend.hostNetworkFacts(hosts: hosts.compactMap(\.id), hostNIC: payload.hostNIC,
                                                       networkID: networkID, correlationID: job.correlationID)
        var work: [(hostID: String, step: String, hostName: String)] = []
        for host in hosts {
            let hostID = host.id!
            let hostName = host.name ?? hostID
            let stepName = OvirtStep.attachToHostPrefix + hostName
            if execution.doneBefore(stepName) { continue }
            let nics = facts.nics[hostID] ?? []
            if OvirtPlanner.isAttached(networkID: networkID, hostNIC: payload.hostNIC, nics: nics,
                                       attachments: facts.attachments[hostID]) {
                await execution.skip(stepName, reason: "network \(network.name) is on \(payload.hostNIC) of host \(hostName)")
            } else {
                work.append((hostID, stepName, hostName))
            }
        }

        let session = self.session
        let correlationID = job.correlationID
        let hostNIC = payload.hostNIC
        let commitAfter = payload.engineVersion?.isBefore4_3 ?? false
        let lockRetries = options.lockRetries
        let pollInterval = options.pollInterval
        var firstError: (any Error)?
        try await withThrowingTaskGroup(of: (Int, Result<String?, any Error>).self) { group in
            var next = 0
            func launch() async {
                guard next < work.count else { return }
                let index = next
                next += 1
                let entry = work[index]
                await recorder.stepStarted(entry.step, description: description(of: entry.step))
                group.addTask {
                    do {
                        let body = OvirtBody.object([
                            "modified_network_attachments": .list("network_attachment", [
                                .object(["network": .id(networkID), "host_nic": .object(["name": .string(hostNIC)])]),
                            ]),
                            "check_connectivity": .bool(true),
                            "commit_on_success": .bool(true),
                        ])
                        let action = try await OvirtRun.withLockRetry(retries: lockRetries, interval: pollInterval) {
                            try await session.write(OvirtAction.self, method: "POST", path: "hosts/\(entry.hostID)/setupnetworks",
                                                    body: body, expected: "a JSON action", correlationID: correlationID)
                        }
                        if commitAfter {
                            _ = try await OvirtRun.withLockRetry(retries: lockRetries, interval: pollInterval) {
                                try await session.write(OvirtAction.self, method: "POST",
                                                        path: "hosts/\(entry.hostID)/commitnetconfig",
                                                        body: .object([]), expected: "a JSON action",
                                                        correlationID: correlationID)
                            }
                        }
                        return (index, .success(action.job?.id))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, options.hostParallelism) { await launch() }
            while let (index, result) = try await group.next() {
                let entry = work[index]
                switch result {
                case .success:
                    await recorder.stepSucceeded(entry.step, detail: "\(network.name) on \(hostNIC) of \(entry.hostName)",
                                                 engineIDs: ["host_id": entry.hostID])
                case .failure(let error):
                    let failure = backendError(error)
                    await recorder.stepFailed(entry.step, error: failure)
                    if firstError == nil { firstError = error is CancellationError ? error : failure }
                }
                await launch()
            }
        }
        if let firstError { throw firstError }
        return hosts.count
    }
}
