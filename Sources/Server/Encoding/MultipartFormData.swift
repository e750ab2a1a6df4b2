import MultipartKit
import NIOCore

/// The parts of a `multipart/form-data` body (RFC 7578), as `curl -F name=@file` sends them.
///
/// The body is split by multipart-kit's streaming `MultipartParser`, which looks at each byte
/// a bounded number of times, so time is linear in the body whatever its content. Around it:
/// the boundary must follow RFC 2046 (1–70 characters of its alphabet), every part must name
/// itself in one `Content-Disposition: form-data; name="…"` header whose parameters are read
/// with quoted strings respected (a `name=` inside a quoted `filename` is part of the file
/// name), and the body must end with its closing delimiter.
///
/// ```swift
/// let type = try MediaType(parsing: "multipart/form-data; boundary=xyz")
/// let form = try MultipartFormData(body: bytes, boundary: try MultipartFormData.boundary(of: type))
/// let files = form.parts(named: "jsonfile")
/// ```
public struct MultipartFormData: Sendable {
    /// One field of the form.
    public struct Part: Sendable {
        /// The `name` parameter of the part's `Content-Disposition`.
        public var name: String
        /// The `filename` parameter, when the part is a file.
        public var filename: String?
        public var body: [UInt8]
    }

    /// Why a body or content type is not a form this server reads.
    public struct Malformed: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Longest boundary RFC 2046 allows.
    public static let maxBoundaryLength = 70

    /// The form's parts in body order.
    public var parts: [Part]

    /// The parts called `name`.
    public func parts(named name: String) -> [Part] {
        parts.filter { $0.name == name }
    }

    /// The validated `boundary` parameter of a `multipart/form-data` media type.
    /// - Throws: ``Malformed`` when it is missing, longer than 70 characters or uses characters
    ///   RFC 2046 does not allow.
    public static func boundary(of type: MediaType) throws(Malformed) -> String {
        guard let boundary = type.parameters["boundary"], !boundary.isEmpty else {
            throw Malformed("the multipart content type has no boundary parameter")
        }
        guard boundary.utf8.count <= maxBoundaryLength else {
            throw Malformed("the boundary is \(boundary.utf8.count) characters long; RFC 2046 allows at most \(maxBoundaryLength)")
        }
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8)
        guard boundary.utf8.allSatisfy(allowed.contains), boundary.utf8.last != UInt8(ascii: " ") else {
            throw Malformed("the boundary has characters RFC 2046 does not allow")
        }
        return boundary
    }

    /// Splits `body` into its parts.
    /// - Parameters:
    ///   - boundary: A boundary checked by ``boundary(of:)``.
    ///   - maxParts: Most parts accepted. Defaults to 16.
    /// - Throws: ``Malformed`` for a body that is not a complete, well-formed form.
    public init(body: [UInt8], boundary: String, maxParts: Int = 16) throws(Malformed) {
        precondition(!boundary.isEmpty && boundary.utf8.count <= Self.maxBoundaryLength)
        try Self.checkHeaderNames(body, boundary: Array(boundary.utf8))
        let collector = Collector(maxParts: maxParts)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.header(name: name, value: value) }
        parser.onBody = { buffer in collector.body(&buffer) }
        parser.onPartComplete = { collector.complete() }
        do {
            try parser.execute(body)
        } catch {
            throw Malformed("the form body is malformed (a part's headers are broken)")
        }
        if let problem = collector.problem { throw problem }
        guard Self.containsClosingDelimiter(body, boundary: Array(boundary.utf8)) else {
            throw Malformed("the form body ends before its closing boundary (--\(boundary)--)")
        }
        if collector.isPartOpen { throw Malformed("the form's last part is not closed by a boundary") }
        parts = collector.parts
    }

    /// Refuses what multipart-kit 4.7.1's parser cannot take: it looks each byte of a part's
    /// header name up in a 128-entry table, so a byte of 0x80 or more there stops the process.
    /// This walks the body as the parser does (the body starts with `--boundary`; each later
    /// `CRLF--boundary` is followed by `--` or by a CRLF and header lines up to an empty one) and
    /// refuses such a byte first. Linear: header lines are read once, and the delimiter search
    /// starts each comparison at a CR and stops at the next.
    static func checkHeaderNames(_ body: [UInt8], boundary: [UInt8]) throws(Malformed) {
        let delimiter: [UInt8] = [0x0D, 0x0A, 0x2D, 0x2D] + boundary
        guard body.starts(with: delimiter.dropFirst(2)) else {
            throw Malformed("the form body does not start with its boundary (--\(String(decoding: boundary, as: UTF8.self)))")
        }
        var index = delimiter.count - 2
        while index < body.count {
            // After a delimiter: "--" ends the form, CRLF starts a part's headers.
            guard index + 1 < body.count, body[index] == 0x0D, body[index + 1] == 0x0A else { return }
            index += 2
            // Header lines: a name up to ':', a value up to CR LF; an empty line ends them.
            while index < body.count, body[index] != 0x0D {
                while index < body.count, body[index] != UInt8(ascii: ":"), body[index] != 0x0D {
                    if body[index] >= 0x80 { throw Malformed("a part's header name has a byte that is not ASCII") }
                    index += 1
                }
                while index < body.count, body[index] != 0x0D { index += 1 }
                index += 2
            }
            index += 2
            // The part's body, up to the next delimiter.
            guard let next = find(delimiter, in: body, from: index) else { return }
            index = next + delimiter.count
        }
    }

    /// The first `needle` (which starts with CR and holds no other) at or after `start`.
    private static func find(_ needle: [UInt8], in body: [UInt8], from start: Int) -> Int? {
        var index = max(start, 0)
        while index + needle.count <= body.count {
            if body[index] == 0x0D {
                var matched = 1
                while matched < needle.count, body[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return index }
                index += matched
            } else {
                index += 1
            }
        }
        return nil
    }

    /// Whether `--boundary--` starts the body or follows a CRLF in it. Each comparison starts at a
    /// CR and stops at the next one (the delimiter holds no other CR), so this is linear.
    static func containsClosingDelimiter(_ body: [UInt8], boundary: [UInt8]) -> Bool {
        let delimiter: [UInt8] = [0x0D, 0x0A, 0x2D, 0x2D] + boundary + [0x2D, 0x2D]
        return body.starts(with: delimiter.dropFirst(2)) || find(delimiter, in: body, from: 0) != nil
    }

    /// Receives the parser's callbacks; it cannot throw from them, so it records the first problem.
    private final class Collector {
        let maxParts: Int
        var parts: [Part] = []
        var problem: Malformed?
        var disposition: String?
        var headerCount = 0
        var buffer = ByteBuffer()
        var isPartOpen = false

        init(maxParts: Int) { self.maxParts = maxParts }

        func header(name: String, value: String) {
            isPartOpen = true
            headerCount += 1
            if headerCount > 32 { fail("a part has more than 32 headers") }
            guard name.lowercased() == "content-disposition" else { return }
            if disposition != nil { fail("a part has two Content-Disposition headers") }
            disposition = value
        }

        func body(_ chunk: inout ByteBuffer) {
            isPartOpen = true
            buffer.writeBuffer(&chunk)
        }

        func complete() {
            defer {
                disposition = nil
                headerCount = 0
                buffer = ByteBuffer()
                isPartOpen = false
            }
            guard problem == nil else { return }
            guard parts.count < maxParts else { return fail("the form has more than \(maxParts) parts") }
            guard let disposition else { return fail("a part has no Content-Disposition header") }
            let parsed: MediaType
            do {
                parsed = try MediaType(parsing: disposition, requireSubtype: false)
            } catch {
                return fail("a part's Content-Disposition is malformed: \(error.description)")
            }
            guard parsed.type == "form-data" else {
                return fail("a part's Content-Disposition is '\(parsed.type)', not form-data")
            }
            guard let name = parsed.parameters["name"] else { return fail("a part's Content-Disposition has no name") }
            parts.append(Part(name: name, filename: parsed.parameters["filename"],
                              body: buffer.readBytes(length: buffer.readableBytes) ?? []))
        }

        func fail(_ description: String) {
            if problem == nil { problem = Malformed(description) }
        }
    }
}
