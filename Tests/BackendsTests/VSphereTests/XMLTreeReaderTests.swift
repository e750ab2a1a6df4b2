import Testing

@testable import VSphereBackend

@Suite("vim25 answers are read by namespace, not by prefix")
struct XMLTreeReaderTests {
    /// The same answer as vCenter writes it (`xsi`) and as vcsim writes it (`XMLSchema-instance`).
    static let prefixes = ["xsi", "XMLSchema-instance"]

    static func answer(prefix: String) -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
            xmlns:\(prefix)="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>
            <RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>7</token>
            <objects><obj type="VirtualMachine">vm-42</obj>
            <propSet><name>runtime.powerState</name><val \(prefix):type="VirtualMachinePowerState">poweredOn</val></propSet>
            <propSet><name>runtime.host</name><val \(prefix):type="ManagedObjectReference" type="HostSystem">host-21</val></propSet>
            <propSet><name>config.annotation</name><val \(prefix):type="xsd:string">db &amp; web &lt;prod&gt;</val></propSet>
            <missingSet><path>guest.net</path><fault><fault \(prefix):type="NoPermission"><privilegeId>System.Read</privilegeId></fault>
            <localizedMessage>no read</localizedMessage></fault></missingSet>
            </objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>
            """.utf8)
    }

    @Test("properties, references and xsi:type", arguments: prefixes)
    func readsProperties(prefix: String) throws {
        guard case .returned(let values) = try SOAPEnvelope.answer(Self.answer(prefix: prefix)) else {
            Issue.record("a fault")
            return
        }
        #expect(values.first?.text(of: "token") == "7")
        let object = try #require(values.first?.children("objects").compactMap(ObjectContent.init).first)
        #expect(object.reference == ManagedObjectReference("VirtualMachine", "vm-42"))
        #expect(object.string("runtime.powerState") == "poweredOn")
        #expect(object.properties["runtime.powerState"]?.schemaType == "VirtualMachinePowerState")
        // The unprefixed `type` of a reference is an attribute; the prefixed one is the schema type.
        #expect(object.reference("runtime.host") == ManagedObjectReference("HostSystem", "host-21"))
        #expect(object.properties["runtime.host"]?.schemaType == "ManagedObjectReference")
        #expect(object.string("config.annotation") == "db & web <prod>")
        #expect(object.missing["guest.net"]?.type == "NoPermission")
    }

    @Test("a fault names its vSphere type whatever the prefix", arguments: prefixes)
    func readsFaults(prefix: String) throws {
        let body = Array("""
            <?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
            xmlns:\(prefix)="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>\
            <faultcode>ServerFaultCode</faultcode><faultstring>Cannot complete login due to an incorrect user name or \
            password.</faultstring><detail><InvalidLoginFault xmlns="urn:vim25" \(prefix):type="InvalidLogin"/></detail>\
            </soapenv:Fault></soapenv:Body></soapenv:Envelope>
            """.utf8)
        guard case .fault(let fault) = try SOAPEnvelope.answer(body) else {
            Issue.record("not a fault")
            return
        }
        #expect(fault.type == "InvalidLogin")
        #expect(fault.summary == "InvalidLogin: Cannot complete login due to an incorrect user name or password.")
    }

    @Test("what is not XML is refused with its line")
    func refusesGarbage() {
        #expect(throws: XMLTreeReader.Malformed.self) { try XMLTreeReader.parse(Array("<a><b></a>".utf8)) }
        #expect(throws: (any Error).self) { try SOAPEnvelope.answer(Array("<html>proxy error</html>".utf8)) }
    }

    @Test("requests escape text and carry xsi:type")
    func writesRequests() {
        let body = String(decoding: SOAPEnvelope.request("Login", this: ManagedObjectReference("SessionManager", "SessionManager"),
                                                         arguments: [SOAPNode("userName", text: "a<b>&\"c'"),
                                                                     SOAPNode("spec", type: "TraversalSpec")]), as: UTF8.self)
        #expect(body.contains(#"<_this type="SessionManager">SessionManager</_this>"#))
        #expect(body.contains("<userName>a&lt;b&gt;&amp;&quot;c&apos;</userName>"))
        #expect(body.contains(#"<spec xsi:type="TraversalSpec"/>"#))
        #expect((try? XMLTreeReader.parse(Array(body.utf8))) != nil)
    }
}

@Suite("vim25 answers of thousands of VMs")
struct LargeAnswerTests {
    /// A vCenter's first `WaitForUpdatesEx` answer for a large inventory is tens of megabytes;
    /// libxml2 refuses a single chunk over 10 MB, so the reader must feed it in pieces.
    @Test("an answer larger than 10 MB is read whole")
    func readsLargeAnswers() throws {
        var body = #"<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">"#
            + #"<soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>"#
        let padding = String(repeating: "x", count: 400)
        let count = 30_000
        for index in 0..<count {
            body += #"<objects><obj type="VirtualMachine">vm-\#(index)</obj><propSet><name>config.annotation</name>"#
                + "<val>\(padding)</val></propSet></objects>"
        }
        body += "</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>"
        #expect(body.utf8.count > 12_000_000)
        guard case .returned(let values) = try SOAPEnvelope.answer(Array(body.utf8)) else {
            Issue.record("a fault")
            return
        }
        let objects = values.first?.children("objects").compactMap(ObjectContent.init) ?? []
        #expect(objects.count == count)
        #expect(objects.last?.reference.value == "vm-\(count - 1)")
    }
}
