import Hummingbird

/// `GET /openapi.json`: the OpenAPI 3.1 description of this API, compiled into the binary from
/// `Sources/Server/OpenAPI/openapi.json` (the same file as `docs/openapi.json`). Public: it holds
/// no data, and clients and tools need it before they have a token.
struct OpenAPIController: Sendable {
    /// The document's bytes.
    static let document: [UInt8] = PackageResources.openapi_json

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: ByteBuffer(bytes: Self.document)))
        }
    }
}
