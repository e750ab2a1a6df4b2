import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("search, max and follow")
struct QueryTests {
    @Test func searchByNameWithWildcardsIsCaseInsensitive() async throws {
        try await withSimulatedEngine(vms: 50) { client in
            let token = try await client.login()
            let all = names(try await client.getJSON("/ovirt-engine/api/vms", token: token), key: "vm")
            let name = try #require(all.first)
            #expect(names(try await client.getJSON("/ovirt-engine/api/vms?search=name%3D\(name)", token: token), key: "vm") == [name])
            #expect(names(try await client.getJSON("/ovirt-engine/api/vms?search=name%3D\(name.uppercased())", token: token), key: "vm") == [name])
            let strict = try await client.getJSON(
                "/ovirt-engine/api/vms?search=name%3D\(name.uppercased())&case_sensitive=true",
                token: token
            )
            #expect(names(strict, key: "vm").isEmpty)
            let web = names(try await client.getJSON("/ovirt-engine/api/vms?search=name%3Dweb*", token: token), key: "vm")
            #expect(web == all.filter { $0.hasPrefix("web") })
        }
    }

    @Test func conditionsCombineWithAnd() async throws {
        try await withSimulatedEngine(vms: 40) { client in
            let token = try await client.login()
            let up = try await client.getJSON("/ovirt-engine/api/vms?search=status%3Dup", token: token)
            let upVMs = try #require(up["vm"] as? [[String: Any]])
            #expect(!upVMs.isEmpty)
            #expect(upVMs.allSatisfy { $0["status"] as? String == "up" })
            let combined = try await client.getJSON(
                "/ovirt-engine/api/vms?search=cluster%3DDefault+and+status%3Dup+and+host%3De15-test-host01",
                token: token
            )
            let onHost = try #require(combined["vm"] as? [[String: Any]])
            #expect(!onHost.isEmpty && onHost.count < upVMs.count)
            let hosts = try await client.getJSON("/ovirt-engine/api/hosts?search=datacenter%3DDefault", token: token)
            #expect(names(hosts, key: "host").count == 3)
        }
    }

    @Test func sortPageAndMax() async throws {
        try await withSimulatedEngine(vms: 30) { client in
            let token = try await client.login()
            let all = names(try await client.getJSON("/ovirt-engine/api/vms", token: token), key: "vm")
            #expect(all == all.sorted())
            let descending = names(
                try await client.getJSON("/ovirt-engine/api/vms?search=sortby+name+desc", token: token),
                key: "vm"
            )
            #expect(descending == all.sorted().reversed())
            let page2 = names(
                try await client.getJSON("/ovirt-engine/api/vms?search=sortby+name+asc+page+2&max=10", token: token),
                key: "vm"
            )
            #expect(page2 == Array(all[10..<20]))
            #expect(names(try await client.getJSON("/ovirt-engine/api/vms?max=3", token: token), key: "vm").count == 3)
            #expect(names(try await client.getJSON("/ovirt-engine/api/vms;max=2", token: token), key: "vm").count == 2)
        }
    }

    @Test(arguments: ["name%3D", "nosuchfield%3Dx", "name%3Dx+or", "sortby", "page+zero", "name+x", "%22open"])
    func malformedSearchIs400Fault(search: String) async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let xml = try await client.get("/ovirt-engine/api/vms?search=\(search)", token: token)
            #expect(xml.status == .badRequest)
            #expect(xml.text.contains("<fault>"))
            #expect(xml.text.contains("<reason>Operation Failed</reason>"))
            #expect(xml.text.contains("<detail>["))
            let json = try await client.get("/ovirt-engine/api/vms?search=\(search)", token: token, json: true)
            let fault = try #require(try JSONSerialization.jsonObject(with: Data(buffer: json.body)) as? [String: Any])
            #expect(fault["reason"] as? String == "Operation Failed")
            #expect(fault["detail"] is String)
        }
    }

    @Test func followEmbedsReferencesInPlace() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let collection = try await client.getJSON("/ovirt-engine/api/vms?follow=cluster,host&search=status%3Dup", token: token)
            let vm = try #require((collection["vm"] as? [[String: Any]])?.first)
            let cluster = try #require(vm["cluster"] as? [String: Any])
            #expect(cluster["name"] as? String == "Default")
            #expect((cluster["cpu"] as? [String: Any])?["type"] as? String == "Intel Cascadelake Server Family")
            let host = try #require(vm["host"] as? [String: Any])
            #expect((host["name"] as? String)?.hasPrefix("e15-test-host") == true)

            let xml = try await client.get("/ovirt-engine/api/clusters?follow=data_center", token: token).text
            #expect(xml.contains("<data_center href="))
            #expect(xml.contains("<storage_format>v5</storage_format>"))
        }
    }

    @Test func followEmbedsSubCollectionsAndKeepsLinks() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let collection = try await client.getJSON(
                "/ovirt-engine/api/vms?follow=nics,reported_devices,disk_attachments.disk&search=status%3Dup",
                token: token
            )
            let vm = try #require((collection["vm"] as? [[String: Any]])?.first)
            let nics = try #require((vm["nics"] as? [String: Any])?["nic"] as? [[String: Any]])
            #expect(nics.first?["name"] as? String == "nic1")
            let devices = try #require((vm["reported_devices"] as? [String: Any])?["reported_device"] as? [[String: Any]])
            #expect(!devices.isEmpty)
            let attachment = try #require(((vm["disk_attachments"] as? [String: Any])?["disk_attachment"] as? [[String: Any]])?.first)
            #expect((attachment["disk"] as? [String: Any])?["provisioned_size"] != nil)
            let links = try #require(vm["link"] as? [[String: Any]])
            #expect(links.contains { $0["rel"] as? String == "nics" })

            let hosts = try await client.get("/ovirt-engine/api/hosts?follow=cluster,nics", token: token).text
            #expect(hosts.contains("<nics>"))
            #expect(hosts.contains("<name>bond0</name>"))
            #expect(hosts.contains("<bonding>"))
        }
    }

    @Test func unknownFollowIs400() async throws {
        try await withSimulatedEngine { client in
            let token = try await client.login()
            let response = try await client.get("/ovirt-engine/api/vms?follow=nosuchlink", token: token)
            #expect(response.status == .badRequest)
            #expect(response.text.contains("<fault>"))
        }
    }
}
