import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Server

/// Listings answered from the live model: streamed bytes, indexed filters, paging.
@Suite struct LiveListingRoutesTests {
    func inventory(_ backends: [FixedBackend]) -> EngineSet {
        EngineSet(backends: backends.map { RegisteredBackend(backend: $0, timeout: .seconds(5)) },
                  logger: Logger(label: "test"))
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    /// The seed's shape: each engine's VMs under its name in configuration order, sorted by name,
    /// and a failed engine described under `_errors`, as the tool this replaces answered.
    @Test func seedShapeListsEachEngineAndNamesTheFailedOne() async throws {
        let inventory = inventory([FixedBackend(name: "e15-test"), FixedBackend(name: "n32", failure: .connectionRefused),
                                   FixedBackend(name: "e15")])
        let app = Application(router: AggregatorServer.buildRouter(inventory: inventory))
        try await app.test(.router) { client in
            try await client.execute(uri: "/ovirt/vm_list", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == "\(response.body.readableBytes)")
                let text = String(buffer: response.body)
                #expect(text.hasPrefix(#"{"e15-test":[{"#), "engines in configuration order, first key: \(text.prefix(40))")
                let body = try json(response.body)
                #expect(Set(body.keys) == ["e15-test", "e15", "n32", "_errors"])
                let vms = try #require(body["e15"] as? [[String: Any]])
                #expect(vms.map { $0["name"] as? String } == ["db-01", "web-01"])
                #expect(vms.last?["memory_bytes"] as? Int == 2 << 30)
                #expect(vms.last?["ip_addresses"] as? [String] == ["10.0.0.1"])
                #expect(vms.last?["creation_time"] as? String == "2023-11-14T22:13:20Z")
                #expect((body["n32"] as? [Any])?.isEmpty == true)
                let failure = try #require((body["_errors"] as? [String: Any])?["n32"] as? [String: Any])
                #expect(failure["error"] as? String == "connection_refused")
                #expect((failure["message"] as? String)?.contains("connection refused") == true)
            }
        }
    }

    /// An answer over the single-buffer limit goes out in chunks, with the same bytes.
    @Test func largeAnswersAreStreamedInChunksWithTheSameBytes() async throws {
        var big = FixedBackend(name: "big")
        big.vms = (0..<6000).map {
            VM(engine: "big", id: "big-\($0)", name: "vm-\(100_000 + $0)", status: $0 % 3 == 0 ? "down" : "up",
               cluster: "Default", host: "host-\($0 % 40)", cpus: 4, cores: 2, memoryBytes: 8 << 30,
               ipAddresses: ["10.\($0 / 250).\($0 % 250).1"], description: "a VM with a long enough description \($0)")
        }
        let inventory = inventory([big])
        let expected = Data(ListingDocument.seedShape(await inventory.model.vms()).pieces.joined())
        #expect(expected.count > JSONBody.singleBufferLimit)
        let app = Application(router: AggregatorServer.buildRouter(inventory: inventory))
        try await app.test(.live) { client in
            try await client.execute(uri: "/ovirt/vm_list", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == expected.count)
                #expect(Data(response.body.readableBytesView) == expected)
                let vms = try #require(try json(response.body)["big"] as? [[String: Any]])
                #expect(vms.count == 6000)
            }
        }
    }

    @Test func ipFindsAVMAcrossEnginesAndFiltersCombine() async throws {
        let app = Application(router: AggregatorServer.buildRouter(inventory: inventory([
            FixedBackend(name: "a"), FixedBackend(name: "b"),
        ])))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/vms?ip=10.0.0.1&engine=b", method: .get) { response in
                let items = try #require(try json(response.body)["items"] as? [[String: Any]])
                #expect(items.map { $0["id"] as? String } == ["b-1"])
            }
            try await client.execute(uri: "/api/v1/vms?host=H1&status=up&cluster=default", method: .get) { response in
                let body = try json(response.body)
                #expect(body["total"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/vms?name_exact=WEB-01", method: .get) { response in
                let body = try json(response.body)
                #expect(body["count"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/hosts?ip=10.0.0.1", method: .get) { response in
                #expect(response.status == .badRequest, "hosts have no guest IP to filter on")
            }
        }
    }

    @Test func pagesFollowTheCursorToTheEnd() async throws {
        let app = Application(router: AggregatorServer.buildRouter(inventory: inventory([
            FixedBackend(name: "a"), FixedBackend(name: "b"), FixedBackend(name: "c"),
        ])))
        try await app.test(.router) { client in
            var ids: [String] = []
            var uri = "/api/v1/vms?limit=4"
            for _ in 0..<5 {
                let body = try await client.execute(uri: uri, method: .get) { try json($0.body) }
                ids += (body["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                guard let next = body["next_cursor"] as? String else { break }
                uri = "/api/v1/vms?limit=4&cursor=\(next)"
            }
            #expect(ids == ["a-2", "a-1", "b-2", "b-1", "c-2", "c-1"])
            try await client.execute(uri: "/api/v1/vms?cursor=garbage", method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try json(response.body)
                #expect((body["error"] as? [String: Any])?["code"] as? String == "bad_cursor")
            }
            try await client.execute(uri: "/api/v1/vms?limit=0", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func engineStatusesCarryTheAgeOfTheData() async throws {
        let app = Application(router: AggregatorServer.buildRouter(inventory: inventory([FixedBackend(name: "a")])))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/hosts", method: .get) { response in
                let engines = try #require(try json(response.body)["engines"] as? [[String: Any]])
                #expect(engines.first?["age_ms"] is Int)
                #expect(engines.first?["stale"] as? Bool == false)
                #expect(engines.first?["ok"] as? Bool == true)
            }
        }
    }
}
