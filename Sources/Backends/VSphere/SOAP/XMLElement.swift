/// One element of a parsed SOAP answer: its namespace-resolved name, attributes, text and
/// children. Small and immutable; built by ``XMLTreeReader``.
///
/// Names are compared by namespace URI and local name, never by prefix: vCenter binds the XML
/// Schema instance namespace to `xsi`, the simulator to `XMLSchema-instance`, and both are right.
struct XMLElement: Sendable {
    /// The element's local name (`returnval`, `propSet`).
    var name: String
    /// The element's namespace URI (`urn:vim25`), empty for none.
    var namespace: String
    /// Attributes without a namespace, by local name (`type` of a managed object reference).
    var attributes: [String: String]
    /// The local name of the element's `xsi:type` (`ArrayOfManagedObjectReference`), when given.
    var schemaType: String?
    /// The element's own character data, concatenated (whitespace kept).
    var text: String
    var children: [XMLElement]

    /// The first child with local name `name`.
    func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    /// Every child with local name `name`.
    func children(_ name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// The element at a dotted path of child names (`config.hardware.numCPU` inside an object),
    /// following the first match at each step.
    func descendant(_ path: some StringProtocol) -> XMLElement? {
        var element: XMLElement? = self
        for part in path.split(separator: ".") {
            element = element?.child(String(part))
        }
        return element
    }

    /// The text of the child `name`, nil when there is none.
    func text(of name: String) -> String? {
        child(name)?.text
    }
}
