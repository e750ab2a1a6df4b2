import AggregatorCore
import Server

/// What each fuzz target does with one input. The libFuzzer executables (`FuzzJSON`,
/// `FuzzUploadDecoder`, `FuzzMultipart`, `FuzzYAML`) and the test suite's bounded mutation run
/// call these, so both check the same things: the parser answers (a value or an error) without
/// crashing, and what it answers is consistent.
public enum FuzzTargets {
    /// A target by its corpus name (`json`, `upload`, `multipart`, `yaml`).
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "json": json, "upload": uploadDecoder, "multipart": multipart, "yaml": yaml,
    ]

    /// The JSON parser: every value it returns has a position.
    public static func json(_ bytes: [UInt8]) {
        do {
            let value = try JSONParser.parse(bytes)
            check(value)
        } catch {
            precondition(error.line >= 1 && error.column >= 1, "error without a position: \(error)")
        }
    }

    private static func check(_ value: JSONValue) {
        precondition(value.line >= 1 && value.column >= 1, "value without a position")
        switch value.content {
        case .array(let items): items.forEach(check)
        case .object(let members):
            precondition(Set(members.map(\.key)).count == members.count, "duplicate member accepted")
            members.forEach { check($0.value) }
        default: break
        }
    }

    /// The upload decoder: a file is either items or a bounded list of issues. The first byte
    /// chooses the action.
    public static func uploadDecoder(_ bytes: [UInt8]) {
        let decoder = ProvisioningRequestDecoder(engines: ["e15-test", "e15", "k45"], kind: "ovirt")
        let action: ProvisioningAction = (bytes.first ?? 0) & 1 == 0 ? .createVM : .createVLAN
        do {
            let items = try decoder.decode(bytes, action: action)
            precondition(!items.isEmpty && items.count <= decoder.maxItems, "item count out of bounds")
        } catch {
            precondition(!error.issues.isEmpty && error.issues.count <= decoder.maxIssues + 1, "issue count out of bounds")
        }
    }

    /// The multipart reader: the first line is the Content-Type, the rest the body.
    public static func multipart(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
        let header = String(decoding: bytes[..<newline], as: UTF8.self)
        let body = Array(bytes[min(newline + 1, bytes.count)...])
        guard let type = try? MediaType(parsing: header),
              let boundary = try? MultipartFormData.boundary(of: type)
        else { return }
        precondition(boundary.utf8.count <= MultipartFormData.maxBoundaryLength, "boundary too long accepted")
        if let form = try? MultipartFormData(body: body, boundary: boundary) {
            precondition(form.parts.count <= 16, "too many parts accepted")
            precondition(form.parts.allSatisfy { $0.body.count <= body.count }, "a part larger than the body")
        }
    }

    /// The configuration loader: YAML text to a configuration or a located error.
    public static func yaml(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? YAMLParser.parse(text, file: "fuzz.yaml")
        _ = try? ConfigurationLoader(knownKinds: ["ovirt"]).parse(text, file: "fuzz.yaml", baseDirectory: "/nonexistent")
    }
}
