import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("XML and JSON representations")
struct RepresentationTests {
    @Test func jsonCollectionIsKeyedBySingularNameWithEngineScalars() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let collection = try await client.getJSON("/ovirt-engine/api/vms", token: token)
            #expect(Array(collection.keys) == ["vm"])
            let vms = try #require(collection["vm"] as? [[String: Any]])
            #expect(vms.count == 20)
            let vm = vms[0]
            let cpu = try #require(vm["cpu"] as? [String: Any])
            let topology = try #require(cpu["topology"] as? [String: Any])
            #expect(topology["cores"] is String, "32-bit ints are strings")
            #expect(vm["stateless"] as? String == "false", "booleans are strings")
            #expect(vm["memory"] is NSNumber && !(vm["memory"] is String), "longs are numbers")
            #expect(vm["creation_time"] is NSNumber, "dates are epoch-ms numbers")
            let actions = try #require(vm["actions"] as? [String: Any])
            let actionLinks = try #require(actions["link"] as? [[String: Any]])
            #expect(actionLinks.count >= 20)
            #expect(vm["link"] is [[String: Any]])
            let cluster = try #require(vm["cluster"] as? [String: Any])
            #expect(Set(cluster.keys) == ["href", "id"])
        }
    }

    @Test func jsonSingleObjectHasNoWrapper() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let hosts = try await client.getJSON("/ovirt-engine/api/hosts", token: token)
            let id = try #require((hosts["host"] as? [[String: Any]])?.first?["id"] as? String)
            let host = try await client.getJSON("/ovirt-engine/api/hosts/\(id)", token: token)
            #expect(host["id"] as? String == id)
            #expect(host["href"] as? String == "/ovirt-engine/api/hosts/\(id)")
            #expect(host["host"] == nil)
        }
    }

    @Test func emptyJSONCollectionIsEmptyObject() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let response = try await client.get("/ovirt-engine/api/vms?search=name%3Dnomatch", token: token, json: true)
            #expect(response.status == .ok)
            #expect(response.text.filter { !$0.isWhitespace } == "{}")
        }
    }

    @Test func xmlShapeMatchesTheSDKReader() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let response = try await client.get("/ovirt-engine/api/vms", token: token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/xml")
            let xml = response.text
            #expect(xml.contains("\n<vms>\n"))
            #expect(xml.contains("<vm href=\"/ovirt-engine/api/vms/"))
            #expect(xml.contains("<cluster href=\"/ovirt-engine/api/clusters/"))
            #expect(xml.contains("<stateless>false</stateless>"))
            #expect(xml.contains("<link href=\"/ovirt-engine/api/vms/"))
            #expect(occurrences(of: "<vm href=", in: xml) == 20)
            // Only id and href are attributes (apart from link's rel).
            #expect(!xml.contains(" name=\""))
            let empty = try await client.get("/ovirt-engine/api/vms?search=name%3Dnomatch", token: token)
            #expect(empty.text.hasSuffix("<vms/>\n"))
        }
    }

    @Test func xmlIsTheDefaultRepresentation() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let response = try await client.execute(
                uri: "/ovirt-engine/api",
                method: .get,
                headers: [.authorization: "Bearer \(token)"]
            )
            #expect(response.headers[.contentType] == "application/xml")
            #expect(response.text.contains("<api>"))
            #expect(response.text.contains("<name>oVirt Engine</name>"))
            #expect(response.text.contains("<major>4</major>"))
            #expect(response.text.contains("<authenticated_user href="))
        }
    }

    @Test func vmPayloadIsSeveralKilobytesOfXML() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let xml = try await client.get("/ovirt-engine/api/vms", token: token).text
            let perVM = xml.utf8.count / 20
            // A full VM with actions, links and the engine's field set.
            #expect((4_000...12_000).contains(perVM), "bytes per VM: \(perVM)")
        }
    }

    @Test func unknownIdAndPathAre404WithEmptyBody() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            for uri in [
                "/ovirt-engine/api/vms/00000000-0000-0000-0000-00000000dead",
                "/ovirt-engine/api/hosts/nope/nics",
                "/ovirt-engine/api/nosuchcollection",
            ] {
                let response = try await client.get(uri, token: token)
                #expect(response.status == .notFound, "\(uri)")
                #expect(response.body.readableBytes == 0, "\(uri)")
            }
        }
    }

    @Test func inventoryIsDeterministicPerEngineName() async throws {
        let first = try await withSimulatedEngine(name: "e15") { client in
            try await client.get("/ovirt-engine/api/vms", token: try await client.login()).text
        }
        let again = try await withSimulatedEngine(name: "e15") { client in
            try await client.get("/ovirt-engine/api/vms", token: try await client.login()).text
        }
        let other = try await withSimulatedEngine(name: "e16") { client in
            try await client.get("/ovirt-engine/api/vms", token: try await client.login()).text
        }
        #expect(first == again)
        #expect(first != other)
    }

    @Test func seededInventoryHasTheExpectedObjects() async throws {
        try await withSimulatedEngine(hosts: 2) { client in
            let token = try await client.login()
            #expect(names(try await client.getJSON("/ovirt-engine/api/datacenters", token: token), key: "data_center") == ["Default"])
            #expect(names(try await client.getJSON("/ovirt-engine/api/clusters", token: token), key: "cluster") == ["Default"])
            #expect(names(try await client.getJSON("/ovirt-engine/api/hosts", token: token), key: "host") == ["e15-test-host01", "e15-test-host02"])
            #expect(
                names(try await client.getJSON("/ovirt-engine/api/templates", token: token), key: "template")
                    == ["Blank", "template-packer-redos8-03092024"]
            )
            #expect(names(try await client.getJSON("/ovirt-engine/api/storagedomains", token: token), key: "storage_domain") == ["hosted_storage"])
            #expect(names(try await client.getJSON("/ovirt-engine/api/networks", token: token), key: "network") == ["ovirtmgmt"])
            #expect(names(try await client.getJSON("/ovirt-engine/api/vnicprofiles", token: token), key: "vnic_profile") == ["ovirtmgmt"])

            let hosts = try await client.getJSON("/ovirt-engine/api/hosts", token: token)
            let hostID = try #require((hosts["host"] as? [[String: Any]])?.first?["id"] as? String)
            let nics = try await client.getJSON("/ovirt-engine/api/hosts/\(hostID)/nics", token: token)
            #expect(Set(names(nics, key: "host_nic")) == ["bond0", "eno1", "eno2"])

            let vms = try await client.getJSON("/ovirt-engine/api/vms?search=status%3Dup", token: token)
            let up = try #require((vms["vm"] as? [[String: Any]])?.first)
            let vmID = try #require(up["id"] as? String)
            let devices = try await client.getJSON("/ovirt-engine/api/vms/\(vmID)/reporteddevices", token: token)
            let device = try #require((devices["reported_device"] as? [[String: Any]])?.first)
            let ips = try #require((device["ips"] as? [String: Any])?["ip"] as? [[String: Any]])
            #expect(ips.contains { ($0["address"] as? String)?.hasPrefix("10.") == true })
            let attachments = try await client.getJSON("/ovirt-engine/api/vms/\(vmID)/diskattachments", token: token)
            let diskID = try #require(((attachments["disk_attachment"] as? [[String: Any]])?.first?["disk"] as? [String: Any])?["id"] as? String)
            let disk = try await client.getJSON("/ovirt-engine/api/disks/\(diskID)", token: token)
            #expect(disk["provisioned_size"] is NSNumber)
        }
    }
}
