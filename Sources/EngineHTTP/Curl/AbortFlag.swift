import Synchronization

/// A one-way flag set from any thread and polled by libcurl's progress callback.
final class AbortFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool {
        self.value.load(ordering: .acquiring)
    }

    func set() {
        self.value.store(true, ordering: .releasing)
    }
}
