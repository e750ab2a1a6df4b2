/// A link to another object: `{"href": "/ovirt-engine/api/clusters/123", "id": "123"}`.
/// With `follow=` the engine inlines the whole object, so a name may be present too.
struct OvirtReference: Decodable, Sendable, Hashable {
    var id: String?
    var href: String?
    var name: String?
}
