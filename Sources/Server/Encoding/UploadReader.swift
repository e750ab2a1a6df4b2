import Hummingbird

/// Reads the file of a create request: `multipart/form-data` with one `jsonfile` part (the seed's
/// `curl -F "jsonfile=@file.json"`) or an `application/json` body, and nothing else.
///
/// Limits that hold whatever a client sends:
/// - a body over the upload limit (declared or read) is a 413 `upload_too_large`, answered at once
///   with `Connection: close`. The connection's lingering close (``ConnectionGuardHandler``) then
///   reads and drops the rest of the body, within `server.lingering_bytes` and
///   `server.lingering_time`, so a client that sends its whole body before reading (Python's
///   `http.client`) gets the answer instead of a reset;
/// - any other content type is a 400 that names the two accepted ones (a `text/plain` post is
///   never read as JSON);
/// - multipart boundaries follow RFC 2046 (at most 70 characters), parts are split in linear
///   time, and two `jsonfile` parts are a 400.
enum UploadReader {
    static let fix = "send the file with curl -F \"jsonfile=@file.json\", or the JSON itself with "
        + "-H 'Content-Type: application/json' --data-binary @file.json"

    /// The request's content type, when it is one an upload may have.
    static func contentType(of request: Request) throws -> MediaType {
        guard let text = request.headers[.contentType] else {
            let length = request.headers[.contentLength].flatMap { Int($0) }
            if length == 0 || (length == nil && request.headers[.transferEncoding] == nil) {
                throw APIError(.badRequest, code: "missing_field", message: "the request has no body and no 'jsonfile' field",
                               fix: fix)
            }
            throw APIError(.unsupportedMediaType, code: "unsupported_content_type",
                           message: "the request has a body but no Content-Type", fix: fix)
        }
        let type: MediaType
        do {
            type = try MediaType(parsing: text)
        } catch {
            throw APIError(.badRequest, code: "bad_content_type", message: "the Content-Type is malformed: \(error)", fix: fix)
        }
        switch type.type {
        case "multipart/form-data":
            return type
        case "application/json":
            if let charset = type.parameters["charset"], !["utf-8", "utf8"].contains(charset.lowercased()) {
                throw APIError(.unsupportedMediaType, code: "unsupported_content_type",
                               message: "a JSON upload must be UTF-8, not \(MediaType.shown(charset))",
                               fix: "save the file as UTF-8 and send it with charset=utf-8 or no charset")
            }
            return type
        case "application/x-www-form-urlencoded":
            throw APIError(.badRequest, code: "missing_field",
                           message: "a url-encoded form cannot carry the 'jsonfile' file field", fix: fix)
        default:
            throw APIError(.unsupportedMediaType, code: "unsupported_content_type",
                           message: "Content-Type '\(MediaType.shown(type.type))' is not accepted; "
                               + "an upload is multipart/form-data or application/json",
                           fix: fix)
        }
    }

    /// The whole body, at most `limit` bytes.
    /// - Throws: A 413 ``APIError`` with `Connection: close` for a larger body.
    static func collect(_ body: RequestBody, limit: Int, declaredLength: Int?) async throws -> [UInt8] {
        // A declared length over the limit is refused before reading anything.
        if let declaredLength, declaredLength > limit { throw tooLarge(limit) }
        var bytes: [UInt8] = []
        if let declaredLength { bytes.reserveCapacity(declaredLength) }
        var iterator = body.makeAsyncIterator()
        while let chunk = try await iterator.next() {
            guard bytes.count + chunk.readableBytes <= limit else { throw tooLarge(limit) }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    private static func tooLarge(_ limit: Int) -> APIError {
        var error = APIError(.contentTooLarge, code: "upload_too_large", message: "the upload is larger than \(limit) bytes",
                             fix: "split the file, or raise server.max_upload_bytes in the configuration")
        error.headers[.connection] = "close"
        return error
    }

    /// The uploaded JSON file in `body`.
    static func jsonFile(body: [UInt8], contentType: MediaType) throws -> [UInt8] {
        guard contentType.type == "multipart/form-data" else {
            guard !body.isEmpty else {
                throw APIError(.badRequest, code: "missing_field", message: "the request has no body and no 'jsonfile' field",
                               fix: fix)
            }
            return body
        }
        let form: MultipartFormData
        do {
            form = try MultipartFormData(body: body, boundary: try MultipartFormData.boundary(of: contentType))
        } catch {
            throw APIError(.badRequest, code: "bad_multipart", message: "the form upload is malformed: \(error)",
                           fix: "send the file with curl -F \"jsonfile=@file.json\"")
        }
        let files = form.parts(named: "jsonfile")
        guard files.count <= 1 else {
            throw APIError(.badRequest, code: "duplicate_field",
                           message: "the form has \(files.count) 'jsonfile' parts; an upload carries one file",
                           fix: "send one file per request, or put every item in one JSON array")
        }
        guard let file = files.first else {
            let names = form.parts.prefix(10).map { "'\(MediaType.shown($0.name))'" }.joined(separator: ", ")
            throw APIError(.badRequest, code: "missing_field",
                           message: "the form has no 'jsonfile' field" + (names.isEmpty ? "" : " (it has \(names))"),
                           fix: "send the file with curl -F \"jsonfile=@file.json\"")
        }
        return file.body
    }
}
