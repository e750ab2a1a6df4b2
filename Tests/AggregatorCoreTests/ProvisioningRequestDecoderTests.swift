import Foundation
import Testing

@testable import AggregatorCore

@Suite struct ProvisioningRequestDecoderTests {
    let decoder = ProvisioningRequestDecoder(engines: ["e15-test", "e15", "k45"], kind: "ovirt")

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples").standardized

    static func example(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: examples.appendingPathComponent(name)))
    }

    /// The seed's example item as a mutable JSON object.
    static func seedItem() throws -> [String: Any] {
        let array = try JSONSerialization.jsonObject(with: Data(try example("create_vm.json"))) as! [[String: Any]]
        return array[0]
    }

    func issues(_ items: [[String: Any]], action: ProvisioningAction = .createVM) throws -> [ValidationIssue] {
        let bytes = Array(try JSONSerialization.data(withJSONObject: items))
        do {
            _ = try decoder.decode(bytes, action: action)
            return []
        } catch {
            return error.issues
        }
    }

    func issues(_ text: String, action: ProvisioningAction = .createVM) -> [ValidationIssue] {
        do {
            _ = try decoder.decode(Array(text.utf8), action: action)
            return []
        } catch {
            return error.issues
        }
    }

    @Test func theSeedExamplesDecode() throws {
        let vms = try decoder.decode(Self.example("create_vm.json"), action: .createVM)
        let vm = try #require(vms.first?.vm)
        #expect(vms.first?.engine == "e15-test")
        #expect(vms.first?.meta.documentNum == "6666")
        #expect(vms.first?.vlan == VLANSpec(name: "2921-redvt-eqp-test-e15", id: 2921, suffix: ""))
        #expect(vm.memoryGB == 2)
        #expect(vm.disks == [DiskSpec(sizeGB: 40, type: 1, mountPoint: "/", sparse: false)])
        #expect(vm.dnsServers == ["10.82.254.32", "10.82.254.31"])
        #expect(vms.first?.section["cluster"]?.string == "Default")
        let vlans = try decoder.decode(Self.example("create_vlan.json"), action: .createVLAN)
        #expect(vlans.first?.vm == nil)
        #expect(vlans.first?.vlan.networkName == "2921-redvt-eqp-test-e15")
    }

    @Test func theSeedTextWithItsHashCommentIsNotJSONAndSaysWhere() {
        let text = """
            [
                {
                    "vm": {
                        "disks": [
                            {
                                "sparse": 0     # where 0 is false, 1 is true
                            }
                        ]
                    }
                }
            ]
            """
        let found = issues(text)
        #expect(found.count == 1)
        #expect(found[0].line == 6)
        #expect(found[0].column == 37)
        #expect(found[0].message.contains("not valid JSON"))
        #expect(found[0].fix?.contains("comment") == true)
    }

    @Test(arguments: [
        ("{}", "must be a JSON array"),
        ("[]", "the array is empty"),
        ("[1]", "must be an object"),
        ("[{\"a\": 1,}]", "trailing comma"),
        ("[{'a': 1}]", "double quotes"),
        ("", "empty"),
    ])
    func shapeErrors(text: String, message: String) {
        let found = issues(text)
        #expect(found.first?.description.contains(message) == true, "\(found)")
    }

    @Test func everyProblemIsReportedAtOnceWithPaths() throws {
        var item = try Self.seedItem()
        var vm = item["vm"] as! [String: Any]
        vm["cores"] = 0
        vm["memory"] = "2"
        vm["disks"] = [["size": 40, "mount_point": "/", "sparse": 0], ["size": -5, "sparse": 3]]
        vm["address"] = "10.105.249.300"
        vm["gateway"] = "10.1.1.1"
        item["vm"] = vm
        var vlan = item["vlan"] as! [String: Any]
        vlan["id"] = 5000
        item["vlan"] = vlan
        var ovirt = item["ovirt"] as! [String: Any]
        ovirt["engine"] = "nowhere"
        item["ovirt"] = ovirt
        let found = try issues([item])
        let paths = Set(found.map(\.path))
        for path in ["[0].vm.cores", "[0].vm.memory", "[0].vm.disks[1].size", "[0].vm.disks[1].sparse",
                     "[0].vm.address", "[0].vlan.id", "[0].ovirt.engine"] {
            #expect(paths.contains(path), "missing \(path) in \(found)")
        }
        #expect(found.first { $0.path == "[0].ovirt.engine" }?.fix?.contains("e15-test, e15, k45") == true)
        #expect(found.first { $0.path == "[0].vm.disks[1].size" }?.message.contains("positive integer") == true)
        #expect(found.allSatisfy { $0.line != nil })
    }

    @Test func gatewayOutsideTheSubnet() throws {
        var item = try Self.seedItem()
        var vm = item["vm"] as! [String: Any]
        vm["gateway"] = "10.105.250.1"
        item["vm"] = vm
        let found = try issues([item])
        #expect(found.map(\.path) == ["[0].vm.gateway"])
        #expect(found[0].message.contains("outside the subnet"))
    }

    @Test(arguments: [
        ("netmask", "\"255.0.255.0\"", "not a usable netmask"),
        ("address", "\"10.105.249.0\"", "network or broadcast"),
        ("memory", "100000", "out of range"),
        ("cores", "2.5", "whole number"),
        ("hostname", "\"bad host!\"", "not a valid host name"),
        ("dns_servers", "\"10.0.0.1 nameserver\"", "not IPv4"),
        ("nic_name", "\"a-very-long-interface-name\"", "not a valid interface name"),
        ("template", "\"\"", "must not be empty"),
        ("colour", "\"red\"", "unknown field"),
    ])
    func vmFieldErrors(key: String, json: String, message: String) throws {
        var item = try Self.seedItem()
        var vm = item["vm"] as! [String: Any]
        vm[key] = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        item["vm"] = vm
        let found = try issues([item])
        let issue = try #require(found.first { $0.path == "[0].vm.\(key)" }, "\(found)")
        #expect(issue.message.contains(message), "\(issue)")
    }

    @Test func missingSectionsAndFields() throws {
        var item = try Self.seedItem()
        item.removeValue(forKey: "vm")
        var meta = item["meta"] as! [String: Any]
        meta.removeValue(forKey: "document_num")
        item["meta"] = meta
        let found = try issues([item])
        #expect(found.contains { $0.path == "[0].vm" && $0.message == "is required" })
        #expect(found.contains { $0.path == "[0].meta.document_num" })
        // The same item is fine for create_vlan, which has no vm section.
        meta["document_num"] = 7
        item["meta"] = meta
        #expect(try issues([item], action: .createVLAN).isEmpty)
    }

    @Test func duplicateVMNamesInOneFile() throws {
        let item = try Self.seedItem()
        var second = item
        var vm = second["vm"] as! [String: Any]
        vm["address"] = "10.105.249.52"
        second["vm"] = vm
        let found = try issues([item, second])
        #expect(found.map(\.path) == ["[1].vm.name"])
        #expect(found[0].message.contains("duplicate VM name"))
    }

    @Test func sameNetworkNameWithTwoVLANIDs() throws {
        let item = try Self.seedItem()
        var second = item
        var vlan = second["vlan"] as! [String: Any]
        vlan["id"] = 2922
        second["vlan"] = vlan
        let found = try issues([item, second], action: .createVLAN)
        #expect(found.map(\.path) == ["[1].vlan.id"])
    }

    @Test func misspeltFieldGetsASuggestion() throws {
        var item = try Self.seedItem()
        var vlan = item["vlan"] as! [String: Any]
        vlan["sufix"] = vlan.removeValue(forKey: "suffix")
        item["vlan"] = vlan
        let found = try issues([item])
        #expect(found.first?.path == "[0].vlan.sufix")
        #expect(found.first?.fix == "did you mean 'suffix'?")
    }
}

@Suite struct JSONParserTests {
    @Test func valuesAndPositions() throws {
        let value = try JSONParser.parse(Array("{\n  \"a\": [1, -2.5e3, true, null, \"x\\u00e9\\n\"]\n}".utf8))
        let items = try #require(value["a"]?.array)
        #expect(items[0].integer == 1)
        #expect(items[1].content == .number("-2.5e3"))
        #expect(items[2].bool == true)
        #expect(items[3].isNull)
        #expect(items[4].string == "xé\n")
        #expect(value["a"]?.line == 2)
        #expect(value["a"]?.column == 8)
    }

    @Test(arguments: ["[01]", "[1.]", "[\"a\nb\"]", "{\"a\" 1}", "[1] 2", "{\"a\":1,\"a\":2}", "[tru]",
                      String(repeating: "[", count: 100)])
    func rejects(text: String) {
        #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
    }
}
