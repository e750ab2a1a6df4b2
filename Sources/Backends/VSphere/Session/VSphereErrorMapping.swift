import AggregatorCore
import BackendSupport
import EngineHTTP

/// Turns transport failures, HTTP statuses and vSphere faults into ``BackendError`` values: the
/// shared ``EngineErrorMapping`` with what vCenter says in its SOAP faults.
///
/// | fault | code |
/// |---|---|
/// | `InvalidLogin`, `NotAuthenticated` (after a fresh login) | `unauthorized` |
/// | `NoPermission` | `forbidden` |
/// | `ManagedObjectNotFound` | `not_found` |
/// | any other | `http_status` with the fault's type and text |
///
/// Messages name the method and the object (`RetrievePropertiesEx on PropertyCollector:propertyCollector`),
/// never the session cookie or the password.
struct VSphereErrorMapping: KindErrorMapping {
    static let wording = EngineErrorMapping.Wording(
        unauthorized: "the engine rejected the session (HTTP 401)", byteCount: .withMebibytes)

    let shared: EngineErrorMapping

    var engine: String { shared.engine }

    /// A fault answering `call`.
    func fault(_ fault: SOAPFault, call: String, httpStatus: Int? = nil) -> BackendError {
        let code: BackendError.Code = switch fault.type {
        case "InvalidLogin", "NotAuthenticated": .unauthorized
        case "NoPermission": .forbidden
        case "ManagedObjectNotFound": .notFound
        default: .httpStatus
        }
        return BackendError(code, engine: engine, message: "\(call): \(fault.summary)", httpStatus: httpStatus)
    }

    /// A non-2xx answer without a SOAP fault in it (a proxy's error page, a wrong URL).
    func status(_ response: HTTPResponse, call: String) -> BackendError {
        let reason = response.reasonPhrase.map { " \($0)" } ?? ""
        return shared.status(response.status, request: call, engineText: nil,
                             otherwise: "HTTP \(response.status)\(reason) without a SOAP fault; is the url the vCenter's /sdk?")
    }

    /// An answer that is not the SOAP document expected.
    func invalid(_ body: [UInt8], expected: String, call: String, detail: String? = nil) -> BackendError {
        let text = String(decoding: body.prefix(1200), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ").trimmingWhitespace()
        let snippet = text.isEmpty ? nil : (text.count > 300 ? String(text.prefix(300)) + "…" : text)
        return shared.invalid(body, expected: expected, request: call, snippet: snippet, detail: detail)
    }
}
