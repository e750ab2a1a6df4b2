import Synchronization

/// A running VM seen without guest addresses, re-read until they appear.
struct GuestAddressWatch: Sendable, Hashable {
    /// When the model first saw it running without addresses.
    var since: ContinuousClock.Instant
    /// Re-reads done so far.
    var rereads: Int
}

extension EngineModel {
    /// Starts watching every VM in `vms` that runs without guest addresses: the guest agent
    /// reports them seconds to minutes after the start, and no event says so.
    func watchGuestAddresses(of vms: [VM]) {
        guard !settings.guestAddressRereads.isEmpty else { return }
        let now = self.now()
        awaitedAddresses.withLock { watched in
            for vm in vms {
                if Self.awaitsGuestAddresses(vm) {
                    if watched[vm.id] == nil { watched[vm.id] = GuestAddressWatch(since: now, rereads: 0) }
                } else {
                    watched[vm.id] = nil
                }
            }
        }
    }

    /// True for a VM that runs and has no guest address.
    static func awaitsGuestAddresses(_ vm: VM) -> Bool {
        vm.status == "up" && vm.ipAddresses.isEmpty
    }

    /// Re-reads the watched VMs whose next re-read is due at `now` (``RefreshSettings/guestAddressRereads``,
    /// counted from when each was first seen). A VM whose addresses appeared, or that stopped,
    /// leaves the watch; one still without them after the last re-read is left to the sweep.
    /// - Returns: How many VMs were re-read.
    @discardableResult
    public func rereadAwaitedGuestAddresses() async -> Int {
        let now = self.now()
        let delays = settings.guestAddressRereads
        let due = awaitedAddresses.withLock { watched -> [String] in
            var due: [String] = []
            for (id, watch) in watched {
                if watch.rereads >= delays.count {
                    watched[id] = nil
                } else if now - watch.since >= delays[watch.rereads] {
                    due.append(id)
                    watched[id]?.rereads += 1
                }
            }
            return due
        }
        guard !due.isEmpty else { return 0 }
        await refresh(due.map { .vm(id: $0) })
        return due.count
    }

    /// Re-reads every VM the model holds as running without guest addresses (at most
    /// ``RefreshSettings/guestAddressSweepLimit``): the slow cycle behind the watch.
    /// - Returns: How many VMs were re-read.
    @discardableResult
    public func sweepGuestAddresses() async -> Int {
        let vms = snapshot.vms.ordered.lazy.map(\.item).filter(Self.awaitsGuestAddresses)
            .prefix(settings.guestAddressSweepLimit).map(\.id)
        guard !vms.isEmpty else { return 0 }
        await refresh(vms.map { .vm(id: $0) })
        return vms.count
    }
}
