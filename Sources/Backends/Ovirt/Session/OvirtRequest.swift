/// One call to the engine API, relative to the API URL.
///
/// Writes (create VLAN / VM) use the same type: a method, a body with its content type, and a
/// correlation id that the engine attaches to the jobs it starts (`GET /jobs?search=correlation_id=X`).
struct OvirtRequest: Sendable {
    var method: String
    /// Path relative to the API URL: `""` for the root, `vms`, `hosts/123/nics`.
    var path: String
    var query: [(name: String, value: String)]
    var body: [UInt8]?
    var contentType: String?
    /// Sent as the `Correlation-Id` header when set.
    var correlationID: String?

    init(
        method: String = "GET", path: String, query: [(name: String, value: String)] = [],
        body: [UInt8]? = nil, contentType: String? = nil, correlationID: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.correlationID = correlationID
    }
}
