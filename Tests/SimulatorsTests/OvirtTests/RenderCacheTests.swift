import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OvirtSimulator
import SimulatorSupport
import Testing

@Suite("Rendered VMs are reused until they change", .timeLimit(.minutes(1)))
struct RenderCacheTests {
    private static let listing = "/ovirt-engine/api/vms?follow=reported_devices"

    @Test(arguments: [true, false])
    func aChangedVMShowsInTheNextListing(json: Bool) async throws {
        try await withAdminEngine { admin, client in
            let token = try await client.login()
            let vm = try admin.addVM(name: "cached-01", status: "up", ip: "10.9.9.9")
            let first = try await client.get(Self.listing, token: token, json: json).text
            #expect(first.contains("10.9.9.9"))
            #expect(try await client.get(Self.listing, token: token, json: json).text == first, "served again unchanged")

            try admin.setVMStatus(vm.id, to: "down")
            let afterStop = try await client.get(Self.listing, token: token, json: json).text
            #expect(afterStop != first)
            #expect(!afterStop.contains("10.9.9.9"), "a down VM reports no devices")

            let updated = try await client.send(
                .put, "/ovirt-engine/api/vms/\(vm.id)", token: token, xml: "<vm><description>changed-by-rest</description></vm>"
            )
            #expect(updated.status == .ok)
            let afterUpdate = try await client.get(Self.listing, token: token, json: json).text
            #expect(afterUpdate.contains("changed-by-rest"))
            let single = try await client.get("/ovirt-engine/api/vms/\(vm.id)?follow=reported_devices", token: token, json: json)
            #expect(single.text.contains("changed-by-rest"))
        }
    }

    @Test func asynchronousTransitionsInvalidateToo() async throws {
        try await withAdminEngine(asyncDelay: .seconds(3)) { admin, client in
            let token = try await client.login()
            _ = try await client.send(
                .post, "/ovirt-engine/api/vms", token: token,
                xml: "<vm><name>async-cached</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>"
            )
            let locked = try await client.get("/ovirt-engine/api/vms?search=name%3Dasync-cached", token: token, json: true).text
            #expect(locked.contains("image_locked"))
            admin.clock.advance(by: .seconds(3))
            let text = try await client.get("/ovirt-engine/api/vms?search=name%3Dasync-cached", token: token, json: true).text
            #expect(text.contains("\"status\" : \"down\""))
        }
    }

    @Test(arguments: [true, false])
    func cachedListingIsByteIdenticalToAFreshRender(json: Bool) async throws {
        var plain = SimulatedEngineOptions(name: "e15-test")
        plain.renderCacheBytes = 0
        let fresh = try await Application(router: OvirtSimulatorApplication.buildRouter(plain)).test(.router) { client in
            let token = try await client.login()
            return try await client.get(Self.listing, token: token, json: json).text
        }
        let cached = try await withSimulatedEngine { client in
            let token = try await client.login()
            _ = try await client.get(Self.listing, token: token, json: json)
            return try await client.get(Self.listing, token: token, json: json).text
        }
        #expect(cached == fresh)
        #expect(cached.count > 100_000)
    }
}
