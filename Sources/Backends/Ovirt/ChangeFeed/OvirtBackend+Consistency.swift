import AggregatorCore

/// The consistency probe (see `docs/ovirt-backend.md`): the API root's `summary`, the VMs in
/// any status but up and down (`GET /vms?search=status!=up and status!=down`, usually a handful),
/// each host's status and VM count (`GET /hosts`, its `summary.total`) and the newest audit-log index,
/// compared by the live model with what it holds.
///
/// The engine computes the summary live on every `GET /ovirt-engine/api`, but leaves it out for
/// a filtered request (a user without an admin role, or `Filter: true`); then only the event
/// index is compared.
extension OvirtBackend: ConsistencyProbing {
    /// VM statuses the engine counts in `summary.vms.active`. ovirt-engine counts `vm_dynamic`
    /// rows whose status is Up, PoweringUp, Paused, MigratingTo, Unknown, WaitForLaunch,
    /// RebootInProgress or PoweringDown (`Getsystem_statistics` in `system_statistics_sp.sql`).
    static let activeVMStatuses: Set<String> = [
        "up", "powering_up", "paused", "unknown", "wait_for_launch", "reboot_in_progress", "powering_down",
    ]
    /// The API shows both MigratingFrom (not counted) and MigratingTo (counted) as `migrating`.
    static let ambiguousVMStatuses: Set<String> = ["migrating"]
    /// Host statuses the engine counts in `summary.hosts.active`: Up and PreparingForMaintenance.
    static let activeHostStatuses: Set<String> = ["up", "preparing_for_maintenance"]

    /// VMs the probe lists one by one: every status but up and down, usually a handful. More
    /// than this many, and the list is left out of the comparison.
    static let exceptionalVMLimit = 500

    public func consistencySummary(after cursor: ChangeCursor?) async throws -> EngineSummary {
        async let root = session.get(OvirtAPI.self, path: "", expected: "the JSON API root")
        async let newest = newestEvent()
        async let exceptional = session.read(
            path: "vms", query: [("search", "status!=up and status!=down"), ("max", "\(Self.exceptionalVMLimit + 1)")],
            expected: "a JSON VM list", OvirtListingDecoder.vms)
        async let hosts = session.read(path: "hosts", expected: "a JSON host list", OvirtListingDecoder.hosts)
        let (api, event, listed, engineHosts) = try await (root, newest, exceptional, hosts)
        var vmsPerHost: [String: Int]? = [:]
        var hostStatuses: [String: String] = [:]
        for host in engineHosts {
            guard let id = OvirtMapping.nonEmpty(host.id) else { continue }
            hostStatuses[id] = OvirtMapping.status(host.status)
            guard let total = host.summary?.total?.int else {
                vmsPerHost = nil
                continue
            }
            // Both ends of a migration hold the VM for a while: such a host is not compared.
            if vmsPerHost != nil, (host.summary?.migrating?.int ?? 0) == 0 { vmsPerHost?[id] = total }
        }
        var exceptionalVMs: [String: String]?
        if listed.count <= Self.exceptionalVMLimit {
            exceptionalVMs = [:]
            for vm in listed {
                guard let id = OvirtMapping.nonEmpty(vm.id) else { continue }
                exceptionalVMs?[id] = OvirtMapping.status(vm.status)
            }
        }
        func count(_ item: OvirtAPI.SummaryItem?) -> EngineSummary.Count? {
            guard let total = item?.total?.value else { return nil }
            return EngineSummary.Count(total: Int(total), active: item?.active.map { Int($0.value) })
        }
        var difference: String?
        if let cursor, let position = OvirtEventCursor(cursor) {
            let top = event?.number ?? 0
            if top < position.last {
                difference = "the engine's newest event is \(top), the feed had reached \(position.last)"
            } else if top > position.last {
                difference = "the engine holds events up to \(top), the feed has reported up to \(position.last)"
            }
        }
        return EngineSummary(vms: count(api.summary?.vms), hosts: count(api.summary?.hosts),
                             exceptionalVMs: exceptionalVMs, hostStatuses: hostStatuses, vmsPerHost: vmsPerHost,
                             changeStreamDifference: difference)
    }

    public func activity(of vm: VM) -> EngineSummary.Activity {
        if Self.activeVMStatuses.contains(vm.status) { return .active }
        return Self.ambiguousVMStatuses.contains(vm.status) ? .either : .inactive
    }

    public func isExceptional(_ vm: VM) -> Bool {
        vm.status != "up" && vm.status != "down"
    }

    public func activity(of host: Hypervisor) -> EngineSummary.Activity {
        Self.activeHostStatuses.contains(host.status) ? .active : .inactive
    }
}
