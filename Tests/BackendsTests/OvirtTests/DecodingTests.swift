import Foundation
import Testing

@testable import OvirtBackend

@Suite("Decoding engine JSON")
struct DecodingTests {
    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    @Test("integers accept numbers and numeric strings", arguments: [
        ("4", Int64(4)), ("\"4\"", 4), ("\" 42 \"", 42), ("1073741824", 1_073_741_824),
        ("\"9223372036854775807\"", Int64.max), ("-1", -1), ("4.0", 4),
    ])
    func integers(json: String, expected: Int64) throws {
        #expect(try decode(OvirtInt.self, json).value == expected)
    }

    @Test("integers reject non-numbers", arguments: ["\"four\"", "true", "{}", "4.5", "\"\""])
    func badIntegers(json: String) {
        #expect(throws: DecodingError.self) { try decode(OvirtInt.self, json) }
    }

    @Test("booleans accept true/false and their strings", arguments: [
        ("true", true), ("false", false), ("\"true\"", true), ("\"false\"", false), ("\"TRUE\"", true), ("0", false),
    ])
    func booleans(json: String, expected: Bool) throws {
        #expect(try decode(OvirtBool.self, json).value == expected)
    }

    @Test func badBoolean() {
        #expect(throws: DecodingError.self) { try decode(OvirtBool.self, "\"maybe\"") }
    }

    @Test("an empty collection is {} and decodes as no items")
    func emptyCollection() throws {
        #expect(try decode(OvirtCollection<OvirtVM>.self, EngineFixtures.emptyCollection).items.isEmpty)
        #expect(try decode(OvirtCollection<OvirtHost>.self, "{}").items.isEmpty)
        #expect(try decode(OvirtCollection<OvirtVM>.self, "[]").items.isEmpty)
    }

    @Test("VMs: strings and numbers, nested lists, unknown fields and missing optionals")
    func vms() throws {
        let vms = try decode(OvirtCollection<OvirtVM>.self, EngineFixtures.vms).items
        try #require(vms.count == 2)
        let web = vms[0]
        #expect(web.id == "123")
        #expect(web.memory?.value == 4_294_967_296)
        #expect(web.cpu?.topology?.cores?.value == 2)
        #expect(web.creationTime?.value == 1_472_564_909_990)
        #expect(web.host?.id == "h1")
        #expect(web.reportedDevices?.items.count == 2)
        #expect(web.reportedDevices?.items[0].ips?.items.map(\.address) == ["10.15.10.2", "fe80::1"])
        #expect(web.reportedDevices?.items[1].ips?.items.isEmpty == true)

        let db = vms[1]
        #expect(db.memory?.value == 8_589_934_592)
        #expect(db.creationTime?.value == 1_472_564_909_990)
        #expect(db.cpu?.topology?.threads?.value == 2)
        #expect(db.host == nil)
        #expect(db.fqdn == nil)
        #expect(db.os == nil)
        #expect(db.reportedDevices?.items.isEmpty == true)
    }

    @Test func apiRoot() throws {
        let root = try decode(OvirtAPI.self, EngineFixtures.apiRoot)
        #expect(root.productInfo?.name == "oVirt Engine")
        #expect(root.productInfo?.version?.fullVersion == "4.5.5-1.el8")
        #expect(root.productInfo?.version?.majorMinor == "4.5")
        #expect(root.summary?.vms?.total?.value == 1200)
        #expect(root.authenticatedUser?.id == "u1")
        #expect(root.authenticatedUser?.name == nil)
    }

    @Test func hostsClustersDataCenters() throws {
        let hosts = try decode(OvirtCollection<OvirtHost>.self, EngineFixtures.hosts).items
        #expect(hosts.map(\.runningVMs) == [5, 0])
        let clusters = try decode(OvirtCollection<OvirtCluster>.self, EngineFixtures.clusters).items
        #expect(clusters[0].version?.majorMinor == "4.7")
        #expect(clusters[1].cpu == nil)
        let dataCenters = try decode(OvirtCollection<OvirtDataCenter>.self, EngineFixtures.dataCenters).items
        #expect(dataCenters.map(\.name) == ["Default"])
    }

    @Test("SSO answers: token, and both error shapes")
    func sso() throws {
        let token = try #require(OvirtSession.decodeSSO(Array(EngineFixtures.ssoToken.utf8)))
        #expect(token.accessToken == "fqbR1ftzh8wBCviLxJcYuV5oSDI=")
        #expect(token.exp?.value == Int64.max)
        #expect(token.failure == nil)

        let app = try #require(OvirtSession.decodeSSO(Array(EngineFixtures.ssoErrorAppScope.utf8))?.failure)
        #expect(app.code == "access_denied")
        #expect(app.message?.hasPrefix("Cannot authenticate user 'admin@internal'") == true)

        let openID = try #require(OvirtSession.decodeSSO(Array(EngineFixtures.ssoErrorOpenID.utf8))?.failure)
        #expect(openID.code == "invalid_grant")
        #expect(openID.message?.contains("has expired") == true)

        let wrapped = try #require(OvirtSession.decodeSSO(Array("[\(EngineFixtures.ssoToken)]".utf8)))
        #expect(wrapped.accessToken == "fqbR1ftzh8wBCviLxJcYuV5oSDI=")
    }

    @Test("faults: JSON, XML with entities, and bodies that are not faults")
    func faults() {
        #expect(OvirtErrorMapping.faultText(Array(EngineFixtures.faultJSON.utf8))
            == "Operation Failed: [Cannot add VM. The VM name is already in use, please choose a unique name and try again.]")
        #expect(OvirtErrorMapping.faultText(Array(EngineFixtures.faultXML.utf8))
            == "Operation Failed: [Cannot edit VM. Snapshot 'a' & <b> is being created.]")
        #expect(OvirtErrorMapping.faultText([]) == nil)
        #expect(OvirtErrorMapping.faultText(Array(EngineFixtures.proxyErrorPage.utf8)) == nil)
        #expect(OvirtErrorMapping.faultText(Array("{\"vm\": []}".utf8)) == nil)
    }
}
