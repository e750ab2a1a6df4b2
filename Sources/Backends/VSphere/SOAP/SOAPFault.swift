import BackendSupport

/// A SOAP fault from vCenter: its text and the vSphere fault type in its detail.
///
/// ```xml
/// <soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Cannot complete login…</faultstring>
///   <detail><InvalidLoginFault xsi:type="InvalidLogin"/></detail></soapenv:Fault>
/// ```
struct SOAPFault: Sendable, Hashable {
    /// The vSphere fault type (`InvalidLogin`, `NotAuthenticated`, `ManagedObjectNotFound`), or
    /// nil when the detail names none.
    var type: String?
    /// `faultstring`, trimmed; may be empty (the simulator often leaves it so).
    var message: String
    /// Names the fault's detail carries (`name` of a `DuplicateName`, `obj` of a
    /// `ManagedObjectNotFound`), for messages.
    var details: [String: String]

    init(type: String?, message: String, details: [String: String] = [:]) {
        self.type = type
        self.message = message
        self.details = details
    }

    init(_ fault: XMLElement) {
        let detail = fault.child("detail")?.children.first
        var type = detail?.schemaType
        if type == nil, let name = detail?.name, name.hasSuffix("Fault") { type = String(name.dropLast(5)) }
        var details: [String: String] = [:]
        for child in detail?.children ?? [] where child.children.isEmpty {
            let text = child.text.trimmingWhitespace()
            if !text.isEmpty { details[child.name] = text }
        }
        self.init(type: type, message: (fault.text(of: "faultstring") ?? "").trimmingWhitespace(), details: details)
    }

    /// A localized method fault inside an answer (a task's `info.error`, a `missingSet` entry):
    /// `<error><fault xsi:type="DuplicateName">…</fault><localizedMessage>…</localizedMessage></error>`.
    init(localized element: XMLElement) {
        let fault = element.child("fault")
        var details: [String: String] = [:]
        for child in fault?.children ?? [] where child.children.isEmpty {
            let text = child.text.trimmingWhitespace()
            if !text.isEmpty { details[child.name] = text }
        }
        self.init(type: fault?.schemaType, message: (element.text(of: "localizedMessage") ?? "").trimmingWhitespace(),
                  details: details)
    }

    /// Whether the session is gone (expired, logged out, never made).
    var isNotAuthenticated: Bool { type == "NotAuthenticated" }

    /// `DuplicateName: the name 'x' already exists.`, or the type, or the text alone, for messages.
    var summary: String {
        var text = message
        if text.isEmpty {
            text = details.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        switch (type, text.isEmpty) {
        case (let type?, false): return "\(type): \(text)"
        case (let type?, true): return type
        case (nil, false): return text
        case (nil, true): return "a fault without text"
        }
    }
}
