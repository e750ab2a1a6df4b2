import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server

/// `POST /api/v1/vms` (the backend-neutral create) and capability refusals, over a test backend.
@Suite struct GenericCreateRoutesTests {
    let routes = ProvisioningRoutesTests()

    static let body = #"""
        {
          "engine": "e15-test", "name": "app-01", "cores": 2, "memory_gb": 4, "template": "redos8",
          "disks": [{"size_gb": 40, "mount_point": "/", "sparse": true}],
          "network": {"vlan_id": 2921, "name": "2921-app"},
          "ip": {"address": "10.0.0.10", "netmask": "255.255.255.0", "gateway": "10.0.0.1", "dns_servers": ["10.0.0.2"]},
          "placement": {"cluster": "Default", "storage_domain": "data1", "host_nic": "bond0"}
        }
        """#

    @Test(.timeLimit(.minutes(1)))
    func neutralBodyRunsAJobAndRepostReusesIt() async throws {
        try await routes.withHarness { harness in
            try await harness.application().test(.router) { client in
                let headers: HTTPFields = [.contentType: "application/json"]
                try await client.execute(uri: "/api/v1/vms?dry_run=true", method: .post, headers: headers,
                                         body: ByteBuffer(string: Self.body)) { response in
                    #expect(response.status == .ok)
                    let items = try #require(try routes.json(response.body)["items"] as? [[String: Any]])
                    #expect(items.first?["target"] as? String == "app-01")
                    let plan = try #require(items.first?["plan"] as? [String: Any])
                    #expect((plan["payload"] as? [String: Any])?["target"] as? String == "app-01",
                            "the dry run shows the backend's typed plan")
                }
                #expect(await harness.backend.executions.targets.isEmpty, "a dry run executed")

                let id = try await client.execute(uri: "/api/v1/vms?wait=10", method: .post, headers: headers,
                                                  body: ByteBuffer(string: Self.body)) { response in
                    #expect(response.status == .ok)
                    let jobs = try #require(try routes.json(response.body)["jobs"] as? [[String: Any]])
                    #expect(jobs.first?["state"] as? String == "succeeded")
                    #expect(jobs.first?["action"] as? String == "create_vm")
                    return try #require(jobs.first?["id"] as? String)
                }
                try await client.execute(uri: "/api/v1/vms", method: .post, headers: headers,
                                         body: ByteBuffer(string: Self.body)) { response in
                    let jobs = try #require(try routes.json(response.body)["jobs"] as? [[String: Any]])
                    #expect(jobs.first?["id"] as? String == id)
                    #expect(jobs.first?["reused"] as? Bool == true)
                }
                #expect(await harness.backend.executions.targets == ["app-01"])
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func badNeutralBodyNamesEveryField() async throws {
        let broken = Self.body
            .replacingOccurrences(of: #""memory_gb": 4"#, with: #""memory": 4"#)
            .replacingOccurrences(of: #""gateway": "10.0.0.1""#, with: #""gateway": "10.9.0.1""#)
            .replacingOccurrences(of: #""engine": "e15-test""#, with: #""engine": "nowhere""#)
        try await routes.withHarness { harness in
            try await harness.application().test(.router) { client in
                try await client.execute(uri: "/api/v1/vms", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: broken)) { response in
                    #expect(response.status == .unprocessableContent)
                    let issues = try #require(try routes.json(response.body)["issues"] as? [[String: Any]])
                    let byPath = Dictionary(issues.map { ($0["path"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
                    #expect(byPath["engine"]?["message"] as? String == "unknown engine 'nowhere'")
                    #expect(byPath["memory"]?["message"] as? String == "unknown field")
                    #expect((byPath["memory"]?["fix"] as? String)?.contains("memory_gb") == true)
                    #expect(byPath["memory_gb"] != nil)
                    #expect((byPath["ip.gateway"]?["message"] as? String)?.contains("outside the subnet") == true)
                    #expect(byPath["ip.gateway"]?["line"] as? Int == 5)
                }
                #expect(await harness.backend.executions.targets.isEmpty)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func missingCapabilityIsA422NamingKindAndCapability() async throws {
        let backend = FixedBackend(name: "e15-test", kind: "proxmox")
        try await routes.withHarness(backend: backend, serving: VMOnlyBackend(base: backend)) { harness in
            try await harness.application().test(.router) { client in
                let (headers, body) = routes.multipart(
                    try ProvisioningRoutesTests.example("create_vlan.json")
                        .replacingOccurrences(of: "\"ovirt\"", with: "\"proxmox\""))
                try await client.execute(uri: "/proxmox/create_vlan", method: .post, headers: headers, body: body) {
                    response in
                    #expect(response.status == .unprocessableContent)
                    let body = try routes.json(response.body)
                    let error = try #require(body["error"] as? [String: Any])
                    #expect(error["code"] as? String == "unsupported_capability")
                    let message = try #require(error["message"] as? String)
                    #expect(message.contains("proxmox") && message.contains("create_vlan"), "\(message)")
                    let issues = try #require(body["issues"] as? [[String: Any]])
                    #expect(issues.first?["path"] as? String == "[0].proxmox.engine")
                }
                #expect(await harness.backend.executions.targets.isEmpty)
            }
        }
    }
}
