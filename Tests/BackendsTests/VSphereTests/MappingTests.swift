import Testing

@testable import VSphereBackend

@Suite("vSphere states in the common model")
struct MappingTests {
    @Test("VM power states", arguments: [("poweredOn", "up"), ("poweredOff", "down"), ("suspended", "suspended"),
                                         ("somethingNew", "unknown")])
    func vmStatus(raw: String, common: String) {
        #expect(VSphereInventory.vmStatus(raw) == common)
    }

    @Test("host connection states")
    func hostStatus() {
        #expect(VSphereInventory.hostStatus(connection: "connected", maintenance: false) == "up")
        #expect(VSphereInventory.hostStatus(connection: "connected", maintenance: true) == "maintenance")
        #expect(VSphereInventory.hostStatus(connection: "notResponding", maintenance: false) == "non_responsive")
        #expect(VSphereInventory.hostStatus(connection: "disconnected", maintenance: false) == "down")
    }

    @Test("xsd:dateTime with and without fractions")
    func dates() {
        #expect(VSphereInventory.parseDate("2026-12-07T10:00:00.123456Z") != nil)
        #expect(VSphereInventory.parseDate("2026-12-07T10:00:00Z") != nil)
        #expect(VSphereInventory.parseDate("yesterday") == nil)
    }

    @Test("change feed cursors carry setup, count and version")
    func cursors() {
        let token = VSphereChangeFeed.token(setup: 3, sequence: 5, version: "1:2")
        let parsed = VSphereChangeFeed.parse(token)
        #expect(parsed?.setup == 3)
        #expect(parsed?.sequence == 5)
        #expect(parsed?.version == "1:2")
        #expect(VSphereChangeFeed.parse("garbage") == nil)
    }
}
