import Hummingbird
import NIOCore

/// A file the pages load (the script or the style sheet), held in memory and answered with a
/// validator.
///
/// Its address carries a hash of its content (`/ui/app.3f9c0e1d2b4a5968.js`), so a browser may
/// keep it for a year: a changed asset has a new address. The plain address (`/ui/app.js`) is
/// answered too, to be revalidated on every use.
struct WebAsset: Sendable {
    /// The file's base name: `app`.
    let name: String
    /// `js`, `css`.
    let fileExtension: String
    /// The `Content-Type` it is answered with.
    let contentType: String
    /// The content.
    let bytes: ByteBuffer
    /// 16 hexadecimal digits of the content's FNV-1a hash.
    let hash: String

    /// - Parameter parts: The content, in pieces joined by newlines.
    init(name: String, fileExtension: String, contentType: String, parts: [String]) {
        let text = parts.joined(separator: "\n") + "\n"
        self.name = name
        self.fileExtension = fileExtension
        self.contentType = contentType
        self.bytes = ByteBuffer(string: text)
        self.hash = Self.fnv1a(text.utf8)
    }

    /// `app.3f9c0e1d2b4a5968.js`.
    var versionedFileName: String { "\(name).\(hash).\(fileExtension)" }
    /// `app.js`.
    var plainFileName: String { "\(name).\(fileExtension)" }
    /// The address pages load it from.
    var path: String { "/ui/\(versionedFileName)" }
    /// The strong validator of the content.
    var etag: String { "\"\(hash)\"" }

    /// The asset, or 304 when the request already holds this version.
    /// - Parameter immutable: Whether the request named the versioned address.
    func response(for request: Request, immutable: Bool) -> Response {
        var headers = HTTPFields()
        headers[.eTag] = etag
        headers[.cacheControl] = immutable ? "public, max-age=31536000, immutable" : "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        if let tags = request.headers[.ifNoneMatch], tags.split(separator: ",").contains(where: {
            let tag = $0.trimmingSpaces
            return tag == "*" || tag == etag || tag == "W/\(etag)"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
    }

    static func fnv1a(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
