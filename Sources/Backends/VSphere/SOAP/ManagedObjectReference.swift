import BackendSupport

/// A vSphere managed object reference: its type and its id (`VirtualMachine:vm-42`). The id is
/// what the common model uses as the object's id.
struct ManagedObjectReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The managed object type (`VirtualMachine`, `HostSystem`, `ClusterComputeResource`).
    var type: String
    /// The id within the vCenter (`vm-42`).
    var value: String

    init(_ type: String, _ value: String) {
        self.type = type
        self.value = value
    }

    /// The reference an answer's element holds (`<obj type="VirtualMachine">vm-42</obj>`), nil
    /// when the element carries none.
    init?(_ element: XMLElement?) {
        guard let element, let type = element.attributes["type"] else { return nil }
        let value = element.text.trimmingWhitespace()
        guard !value.isEmpty else { return nil }
        self.init(type, value)
    }

    var description: String { "\(type):\(value)" }
}
