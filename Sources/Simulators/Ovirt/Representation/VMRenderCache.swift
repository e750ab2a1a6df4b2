import Synchronization

/// VMs rendered once and reused until they change: the text of each VM per
/// format, `follow` tree and depth, kept with the ``SimVM`` value it was
/// rendered from.
///
/// A cached text is used only while the VM is equal to the value it was
/// rendered from. Comparing whole values, rather than a version every write
/// must remember to bump, means no write path (REST command, asynchronous
/// transition, admin change) can leave a stale text behind; and it is cheap,
/// because an unchanged VM shares its strings and arrays with the cached copy
/// and Swift compares those by identity first.
///
/// Only `follow` trees that stay inside the VM are cached (`nics`,
/// `nics.reported_devices`, `reported_devices`, `disk_attachments`): the
/// text then depends on the VM alone. Anything else (`cluster`,
/// `disk_attachments.disk`, …) is rendered fresh.
///
/// The lock is held only to look texts up and store them, never while
/// rendering, so concurrent listings render their misses in parallel. When
/// the stored texts exceed the byte budget, the cache is emptied and
/// refills with what is asked for next.
final class VMRenderCache: Sendable {
    struct Variant: Hashable, Sendable {
        var json: Bool
        var follow: FollowTree
        var depth: Int
    }

    /// Immutable and shared, so a lookup under the lock copies a reference, not a VM.
    private final class Entry: Sendable {
        let vm: SimVM
        let texts: [Variant: String]
        let bytes: Int

        init(vm: SimVM, texts: [Variant: String]) {
            self.vm = vm
            self.texts = texts
            self.bytes = texts.values.reduce(0) { $0 + $1.utf8.count }
        }
    }

    private struct Storage: Sendable {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private let budget: Int
    private let storage = Mutex(Storage())

    /// - Parameter budget: The most bytes of text kept; 0 disables the cache.
    init(budget: Int) {
        self.budget = budget
    }

    /// Whether texts rendered with `follow` depend on the VM alone.
    static func isCacheable(_ follow: FollowTree) -> Bool {
        for (key, subtree) in follow.children {
            switch key {
            case "reported_devices", "disk_attachments":
                guard subtree.isEmpty else { return false }
            case "nics":
                guard subtree.children.allSatisfy({ $0.key == "reported_devices" && $0.value.isEmpty }) else { return false }
            default:
                return false
            }
        }
        return true
    }

    /// The texts of `vms` for `variant`, rendering (outside the lock) and
    /// storing only those missing or stale.
    func texts(
        for vms: [SimVM],
        variant: Variant,
        render: (SimVM) throws -> String
    ) rethrows -> [String] {
        guard budget > 0 else { return try vms.map(render) }
        var texts: [String?] = storage.withLock { storage in
            vms.map { vm in
                guard let entry = storage.entries[vm.id], entry.vm == vm else { return nil }
                return entry.texts[variant]
            }
        }
        var rendered: [(vm: SimVM, text: String)] = []
        for index in vms.indices where texts[index] == nil {
            let text = try render(vms[index])
            texts[index] = text
            rendered.append((vms[index], text))
        }
        if !rendered.isEmpty {
            let budget = self.budget
            storage.withLock { storage in
                for (vm, text) in rendered {
                    if storage.bytes + text.utf8.count > budget {
                        storage.entries.removeAll(keepingCapacity: true)
                        storage.bytes = 0
                    }
                    var texts: [Variant: String] = [:]
                    if let old = storage.entries[vm.id] {
                        storage.bytes -= old.bytes
                        if old.vm == vm { texts = old.texts }
                    }
                    texts[variant] = text
                    let entry = Entry(vm: vm, texts: texts)
                    storage.bytes += entry.bytes
                    storage.entries[vm.id] = entry
                }
            }
        }
        return texts.map { $0 ?? "" }
    }
}
