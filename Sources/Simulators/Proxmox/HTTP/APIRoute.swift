/// An authenticated, validated API call as a method handler sees it.
struct APICall: Sendable {
    var method: String
    /// The path below `/api2/json`.
    var path: String
    var params: Parameters
    /// Who called: `root@pam`, or `root@pam!aggregator` for an API token.
    var user: String

    /// A path parameter or body/query parameter that the schema made required.
    func required(_ name: String) -> String { params.string(name) ?? "" }

    var node: String { required("node") }
    var vmid: Int { params.int("vmid") ?? 0 }
}

/// What a method returns: `data`, and `total` for listings that count.
struct APIResult: Sendable {
    var data: PVEJSON
    var total: Int?

    init(_ data: PVEJSON, total: Int? = nil) {
        self.data = data
        self.total = total
    }

    /// `null`, what synchronous writes return.
    static let null = APIResult(.null)
}

/// One method of the API: method, path pattern with `{param}` segments,
/// its parameter schema (path parameters included), and whether the real
/// server proxies it to the node named in the path.
struct APIRoute: Sendable {
    typealias Handler = @Sendable (APICall) throws(PVEError) -> APIResult

    var method: String
    var segments: [String]
    var schema: [String: ParamSpec]
    var proxyToNode: Bool
    /// Whether the call needs no authentication (`/access/ticket`).
    var isPublic = false
    var handler: Handler

    init(
        _ method: String,
        _ pattern: String,
        schema: [String: ParamSpec] = [:],
        proxyToNode: Bool = false,
        isPublic: Bool = false,
        handler: @escaping Handler
    ) {
        self.method = method
        self.segments = pattern.split(separator: "/").map(String.init)
        var schema = schema
        for segment in segments where segment.hasPrefix("{") {
            let name = String(segment.dropFirst().dropLast())
            if schema[name] == nil { schema[name] = name == "node" ? .node() : .string(optional: false) }
        }
        self.schema = schema
        self.proxyToNode = proxyToNode
        self.isPublic = isPublic
        self.handler = handler
    }

    /// The path parameters when `segments` match this route's pattern.
    func match(_ pathSegments: [String]) -> [String: String]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (pattern, value) in zip(segments, pathSegments) {
            if pattern.hasPrefix("{") {
                parameters[String(pattern.dropFirst().dropLast())] = value
            } else if pattern != value {
                return nil
            }
        }
        return parameters
    }
}

/// Common schemas.
extension APIRoute {
    /// `node` and `vmid` of the `/nodes/{node}/qemu/{vmid}/…` methods.
    static let vmSchema: [String: ParamSpec] = ["node": .node(), "vmid": .vmid()]

    /// `skiplock`, accepted and checked like the real one (root only).
    static let skiplock = ParamSpec.boolean()
}
