import AggregatorCore
import AggregatorTesting
import EngineHTTP
import Foundation
import Logging
import OvirtSimulator
import Testing

@testable import OvirtBackend

/// The one-pass listing decoder gives the same common-model values as `JSONDecoder` with the
/// `Decodable` engine types, on fixtures and on the simulator's real pages.
@Suite("Listing decoder ≡ JSONDecoder")
struct ListingDecoderTests {
    private func old<T: OvirtCollectionElement>(_ type: T.Type, _ body: [UInt8]) throws -> [T] {
        try JSONDecoder().decode(OvirtCollection<T>.self, from: Data(body)).items
    }

    /// Both paths over the same five documents, mapped with the name index each path builds.
    private func compare(vms: [UInt8], hosts: [UInt8], clusters: [UInt8], dataCenters: [UInt8], templates: [UInt8]) throws {
        let oldIndex = OvirtNameIndex(clusters: try old(OvirtCluster.self, clusters),
                                      dataCenters: try old(OvirtDataCenter.self, dataCenters),
                                      hosts: try old(OvirtHost.self, hosts), templates: try old(OvirtTemplate.self, templates))
        let newIndex = OvirtNameIndex(clusters: try OvirtListingDecoder.clusters(clusters),
                                      dataCenters: try OvirtListingDecoder.dataCenters(dataCenters),
                                      hosts: try OvirtListingDecoder.hosts(hosts),
                                      templates: try OvirtListingDecoder.templates(templates))
        let oldVMs = try old(OvirtVM.self, vms).compactMap { OvirtMapping.vm($0, engine: "e", names: oldIndex) }
        let newVMs = try OvirtListingDecoder.vms(vms).compactMap { OvirtMapping.vm($0, engine: "e", names: newIndex) }
        #expect(!oldVMs.isEmpty)
        #expect(oldVMs == newVMs)

        let oldHostList = try old(OvirtHost.self, hosts)
        let newHostList = try OvirtListingDecoder.hosts(hosts)
        #expect(oldHostList.compactMap { OvirtMapping.host($0, engine: "e", names: oldIndex) }
            == newHostList.compactMap { OvirtMapping.host($0, engine: "e", names: newIndex) })
        #expect(try old(OvirtCluster.self, clusters).compactMap {
            OvirtMapping.cluster($0, engine: "e", names: oldIndex, hosts: oldHostList)
        } == OvirtListingDecoder.clusters(clusters).compactMap {
            OvirtMapping.cluster($0, engine: "e", names: newIndex, hosts: newHostList)
        })
    }

    @Test("fixtures: strings and numbers, nested lists, {} collections, missing fields")
    func fixtures() throws {
        try compare(vms: Array(EngineFixtures.vms.utf8), hosts: Array(EngineFixtures.hosts.utf8),
                    clusters: Array(EngineFixtures.clusters.utf8), dataCenters: Array(EngineFixtures.dataCenters.utf8),
                    templates: Array(EngineFixtures.templates.utf8))
    }

    @Test("the simulator's real pages (follow=reported_devices), running and stopped VMs", .timeLimit(.minutes(2)))
    func simulatorPages() async throws {
        try await withSimulatedEngine("decoder-e1", configure: { $0.vmCount = 120; $0.hostCount = 4 }) { engine in
            try await withOvirtBackend(.simulated(engine, password: "admin"), logger: LogRecorder().logger()) { backend in
                func body(_ path: String, _ query: [(name: String, value: String)] = []) async throws -> [UInt8] {
                    try await backend.session.send(OvirtRequest(path: path, query: query)).body
                }
                let vms = try await body("vms", [("follow", "reported_devices")])
                try compare(vms: vms, hosts: try await body("hosts"), clusters: try await body("clusters"),
                            dataCenters: try await body("datacenters"), templates: try await body("templates"))
                #expect(try OvirtListingDecoder.vms(vms).count == 120)
                #expect(try OvirtListingDecoder.vms(vms).contains { !($0.reportedDevices?.items.isEmpty ?? true) })

                // A single VM as `GET /vms/{id}` answers it.
                let id = try #require(try OvirtListingDecoder.vms(vms).first?.id)
                let one = try await body("vms/\(id)", [("follow", "reported_devices")])
                let oldVM = try JSONDecoder().decode(OvirtVM.self, from: Data(one))
                #expect(OvirtMapping.vm(oldVM, engine: "e", names: OvirtNameIndex())
                    == OvirtMapping.vm(try OvirtListingDecoder.vm(one), engine: "e", names: OvirtNameIndex()))

                let events = try OvirtListingDecoder.events(try await body("events"))
                #expect(events.allSatisfy { $0.number != nil })
            }
        }
    }

    @Test("integers: the same values and the same refusals as OvirtInt", arguments: [
        "4", "\"4\"", "\" 42 \"", "1073741824", "\"9223372036854775807\"", "-1", "4.0", "1e3", "-0",
        "9223372036854775807", "-9223372036854775808", "\"four\"", "true", "{}", "4.5", "\"\"", "[]",
        "99999999999999999999", "1e19", "null",
    ])
    func integers(json: String) throws {
        let document = Array("{\"vm\":[{\"id\":\"1\",\"memory\":\(json)}]}".utf8)
        let expected = Result { try old(OvirtVM.self, document).first?.memory }
        let actual = Result { try OvirtListingDecoder.vms(document).first?.memory }
        switch (expected, actual) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure, .failure): break
        default: Issue.record("JSONDecoder gave \(expected), the listing decoder \(actual)")
        }
    }

    @Test("strings: escapes, \\u with surrogate pairs, non-ASCII")
    func strings() throws {
        let name = #""a\"b\\c\/d\b\f\n\r\t \u00e9 \u20AC \ud83d\ude00 Ж 😀""#
        let document = Array("{\"vm\":[{\"id\":\"1\",\"name\":\(name)}]}".utf8)
        let expected = try #require(try old(OvirtVM.self, document).first?.name)
        #expect(try OvirtListingDecoder.vms(document).first?.name == expected)
        #expect(expected == "a\"b\\c/d\u{08}\u{0C}\n\r\t é € 😀 Ж 😀")
        let escapedKey = Array(#"{"v\u006d":[{"\u0069d":"x","n\u0061me":"y"}]}"#.utf8)
        #expect(try OvirtListingDecoder.vms(escapedKey).map(\.name) == ["y"])
    }

    @Test("collections: {}, a missing key, null, a bare array; null members are absent")
    func collections() throws {
        #expect(try OvirtListingDecoder.vms(Array("{}".utf8)).isEmpty)
        #expect(try OvirtListingDecoder.vms(Array(#"{"other":[1,2]}"#.utf8)).isEmpty)
        #expect(try OvirtListingDecoder.vms(Array(#"{"vm":null}"#.utf8)).isEmpty)
        #expect(try OvirtListingDecoder.hosts(Array(#" [ {"id":"h"} ] "#.utf8)).map(\.id) == ["h"])
        let vm = try #require(try OvirtListingDecoder.vms(Array(#"{"vm":[{"id":"1","host":null,"cpu":null,"reported_devices":{}}]}"#.utf8)).first)
        #expect(vm.host == nil && vm.cpu == nil && vm.reportedDevices?.items.isEmpty == true)
    }

    @Test("a kept field of the wrong type fails the document, as with JSONDecoder", arguments: [
        #"{"vm":[{"id":1}]}"#, #"{"vm":[{"id":"1","cluster":"c1"}]}"#, #"{"vm":[null]}"#, #"{"vm":"x"}"#,
        #"{"vm":[{"id":"1","cpu":{"topology":{"cores":"two"}}}]}"#, #""vm""#,
    ])
    func wrongTypes(json: String) {
        #expect(throws: (any Error).self) { try old(OvirtVM.self, Array(json.utf8)) }
        #expect(throws: OvirtJSONError.self) { try OvirtListingDecoder.vms(Array(json.utf8)) }
    }
}
