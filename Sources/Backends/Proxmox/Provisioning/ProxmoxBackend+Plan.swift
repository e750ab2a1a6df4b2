import AggregatorCore
import BackendSupport

/// What the engine holds that a plan depends on.
struct ProxmoxSurvey: Sendable {
    /// Every guest (QEMU and LXC, templates included): names and ids in use, templates.
    var guests: [ProxmoxResource] = []
    var nodes: [ProxmoxResource] = []
    /// Storages of the target node; nil when the node was not read (missing or offline).
    var storages: [ProxmoxStorage]?
    /// Network interfaces of the target node; nil when not read.
    var interfaces: [ProxmoxNetworkInterface]?
    /// The template's configuration; nil when there is no template to read.
    var templateConfig: ProxmoxVMConfig?
    /// Storages of the template's node when it is another node (their `shared` flag decides
    /// whether the clone can target the VM's node).
    var templateNodeStorages: [ProxmoxStorage]?
    /// Pool names, when the section names one.
    var pools: [String]?
    /// Snippets of the user-data snippet's storage on the node, when the section names one.
    var snippets: [ProxmoxVolume]?
}

extension ProxmoxBackend {
    /// Validates `item` against the live engine and returns the plan, or every problem found.
    /// Creates nothing.
    ///
    /// Reads `/cluster/resources` (guests and nodes) and, for the node asked for, its storages
    /// and network interfaces; the template's configuration; the template node's storages when the
    /// template lives elsewhere; every resource (for its pools) when a pool is named; the snippet
    /// storage's content when `cicustom` is given.
    /// - Throws: ``BackendError`` when the engine cannot be read.
    public func plan(_ item: ProvisioningItem) async throws -> PlanOutcome {
        guard item.action == .createVM else {
            return .invalid([ValidationIssue(path: item.fieldPath("action"),
                                             message: "proxmox engines cannot '\(item.action)'",
                                             fix: "a VLAN on Proxmox VE is the tag of the VM's NIC: use create_vm")])
        }
        guard let vm = item.vm else {
            return .invalid([ValidationIssue(path: item.fieldPath("vm"), message: "is required for create_vm")])
        }
        let section: ProxmoxSection
        switch ProxmoxSection.decode(item) {
        case .invalid(let issues): return .invalid(issues)
        case .section(let decoded): section = decoded
        }
        let survey = try await survey(vm: vm, section: section)
        var planner = ProxmoxPlanner(engine: name, item: item, vm: vm, section: section, survey: survey)
        return try planner.outcome()
    }

    private func survey(vm: VMSpec, section: ProxmoxSection) async throws -> ProxmoxSurvey {
        let node = FormEncoding.pathSegment(section.node)
        async let guests = session.get([ProxmoxResource].self, path: "cluster/resources", query: [("type", "vm")],
                                       expected: "a JSON resource list")
        async let nodes = session.get([ProxmoxResource].self, path: "cluster/resources", query: [("type", "node")],
                                      expected: "a JSON resource list")
        // Pools are listed by /cluster/resources without a type filter (`type: pool` entries, empty
        // pools included); the filter's enum has no `pool`.
        async let pools: [ProxmoxResource]? = section.pool != nil
            ? session.get([ProxmoxResource].self, path: "cluster/resources", expected: "a JSON resource list") : nil

        var survey = ProxmoxSurvey()
        survey.guests = try await guests
        survey.nodes = try await nodes.filter { $0.type == "node" }
        survey.pools = try await pools?.filter { $0.type == "pool" }.compactMap(\.pool)
        let nodeOnline = survey.nodes.contains { $0.node == section.node && $0.status == "online" }
        let template = ProxmoxPlanner.findTemplate(vm.template, in: survey.guests)

        async let storages: [ProxmoxStorage]? = nodeOnline
            ? session.get([ProxmoxStorage].self, path: "nodes/\(node)/storage", expected: "a JSON storage list") : nil
        async let interfaces: [ProxmoxNetworkInterface]? = nodeOnline
            ? session.get([ProxmoxNetworkInterface].self, path: "nodes/\(node)/network",
                          expected: "a JSON network interface list") : nil
        async let config = templateConfig(template)
        async let templateStorages: [ProxmoxStorage]? = templateNodeStorages(template, node: section.node)

        survey.storages = try await storages
        survey.interfaces = try await interfaces
        survey.templateConfig = try await config
        survey.templateNodeStorages = try await templateStorages
        if let snippet = section.userDataSnippet, let colon = snippet.firstIndex(of: ":"),
           let storages = survey.storages,
           storages.contains(where: { $0.storage == String(snippet[..<colon]) && $0.contents.contains("snippets") }) {
            let storage = FormEncoding.pathSegment(String(snippet[..<colon]))
            survey.snippets = try await session.get([ProxmoxVolume].self, path: "nodes/\(node)/storage/\(storage)/content",
                                                    query: [("content", "snippets")], expected: "a JSON volume list")
        }
        return survey
    }

    private func templateConfig(_ template: ProxmoxResource?) async throws -> ProxmoxVMConfig? {
        guard let template, template.isTemplate, let vmid = template.vmidValue, let node = template.node else { return nil }
        return try await session.get(ProxmoxVMConfig.self, path: "nodes/\(FormEncoding.pathSegment(node))/qemu/\(vmid)/config",
                                     expected: "a JSON VM configuration")
    }

    private func templateNodeStorages(_ template: ProxmoxResource?, node: String) async throws -> [ProxmoxStorage]? {
        guard let template, template.isTemplate, let templateNode = template.node, templateNode != node else { return nil }
        return try await session.get([ProxmoxStorage].self, path: "nodes/\(FormEncoding.pathSegment(templateNode))/storage",
                                     expected: "a JSON storage list")
    }
}
