/// `AuditLogType` codes the change feed treats specially (oVirt/ovirt-engine,
/// `backend/manager/modules/common/.../AuditLogType.java`). Every other event is mapped by the
/// objects it links, whatever its code.
enum OvirtEventCodes {
    /// USER_REMOVE_VM_FINISHED, _INTERNAL, _WITH_ILLEGAL_DISKS, _WITH_ILLEGAL_DISKS_INTERNAL.
    static let vmRemoved: Set<Int64> = [113, 1130, 172, 1720]
    /// USER_REMOVE_VDS.
    static let hostRemoved: Set<Int64> = [44]
    /// USER_REMOVE_CLUSTER.
    static let clusterRemoved: Set<Int64> = [813]

    /// Why `event` cannot be followed: it says an object was removed without linking it, so
    /// only a full read can tell which one is gone. Nil for every other event.
    static func unlinkedRemoval(_ event: OvirtEvent) -> String? {
        guard let code = event.code?.value else { return nil }
        let index = event.number.map(String.init) ?? "?"
        if vmRemoved.contains(code), OvirtMapping.nonEmpty(event.vm) == nil {
            return "event \(index) (code \(code)) says a VM was removed without naming it"
        }
        if hostRemoved.contains(code), OvirtMapping.nonEmpty(event.host) == nil {
            return "event \(index) (code \(code)) says a host was removed without naming it"
        }
        if clusterRemoved.contains(code), OvirtMapping.nonEmpty(event.cluster) == nil {
            return "event \(index) (code \(code)) says a cluster was removed without naming it"
        }
        return nil
    }
}
