import BackendSupport

/// One object of a property read: its reference, the properties asked for that it has, and
/// those it could not give (`missingSet`).
struct ObjectContent: Sendable {
    var reference: ManagedObjectReference
    /// Property path (`runtime.powerState`) → its `val` element.
    var properties: [String: XMLElement]
    /// Property path → why it is missing.
    var missing: [String: SOAPFault]

    /// Reads `<objects>` (or a `returnval` of `RetrieveProperties`): `obj`, `propSet`, `missingSet`.
    init?(_ element: XMLElement) {
        guard let reference = ManagedObjectReference(element.child("obj")) else { return nil }
        self.reference = reference
        var properties: [String: XMLElement] = [:]
        var missing: [String: SOAPFault] = [:]
        for child in element.children {
            switch child.name {
            case "propSet":
                if let name = child.text(of: "name"), let value = child.child("val") { properties[name] = value }
            case "missingSet":
                if let path = child.text(of: "path"), let fault = child.child("fault") {
                    missing[path] = SOAPFault(localized: fault)
                }
            default: break
            }
        }
        self.properties = properties
        self.missing = missing
    }

    /// The trimmed text of property `path`, nil when absent or empty.
    func string(_ path: String) -> String? {
        guard let text = properties[path]?.text.trimmingWhitespace(), !text.isEmpty else { return nil }
        return text
    }

    func int(_ path: String) -> Int? { string(path).flatMap { Int($0) } }

    func int64(_ path: String) -> Int64? { string(path).flatMap { Int64($0) } }

    func bool(_ path: String) -> Bool? { string(path).map { $0 == "true" } }

    /// A property holding one managed object reference.
    func reference(_ path: String) -> ManagedObjectReference? { ManagedObjectReference(properties[path]) }

    /// A property holding an array of references (`ArrayOfManagedObjectReference`).
    func references(_ path: String) -> [ManagedObjectReference] {
        (properties[path]?.children ?? []).compactMap { ManagedObjectReference($0) }
    }
}
