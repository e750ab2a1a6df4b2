/// Writes vim25 requests and reads their answers.
///
/// A request is one method call on one managed object (`_this`) in the `urn:vim25` namespace; an
/// answer is `<METHODResponse>` with `returnval` elements, or a SOAP fault whose detail names
/// the vSphere fault type (`NotAuthenticated`, `InvalidLogin`, `DuplicateName`).
enum SOAPEnvelope {
    /// The vim25 namespace every method and data object lives in.
    static let namespace = "urn:vim25"
    /// The API version requests declare in `SOAPAction` (`urn:vim25/6.5`): every property and
    /// method this backend uses exists since vSphere 6.5, and later vCenters accept it.
    static let apiVersion = "6.5"

    /// The XML of a call of `method` on `this` with `arguments` in order.
    static func request(_ method: String, this: ManagedObjectReference, arguments: [SOAPNode]) -> [UInt8] {
        var out = #"<?xml version="1.0" encoding="UTF-8"?>"#
        out += #"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#
        out += #"xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#
        out += "<soapenv:Body><\(method) xmlns=\"\(namespace)\">"
        SOAPNode(reference: "_this", this).write(into: &out)
        for argument in arguments { argument.write(into: &out) }
        out += "</\(method)></soapenv:Body></soapenv:Envelope>"
        return Array(out.utf8)
    }

    /// What an answer holds.
    enum Answer: Sendable {
        /// The method's `returnval` elements (none for a method that returns nothing).
        case returned([XMLElement])
        case fault(SOAPFault)
    }

    /// Reads an answer body.
    /// - Throws: ``XMLTreeReader/Malformed`` when it is not XML, or a description of what is
    ///   missing when it is XML but not a SOAP answer.
    static func answer(_ body: [UInt8]) throws -> Answer {
        let root = try XMLTreeReader.parse(body)
        guard root.name == "Envelope", let content = root.child("Body")?.children.first else {
            throw XMLTreeReader.Malformed(line: 1, reason: "not a SOAP envelope with a body")
        }
        if content.name == "Fault" { return .fault(SOAPFault(content)) }
        return .returned(content.children("returnval"))
    }
}
