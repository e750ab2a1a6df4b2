import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import Server

/// Listings answered from the live model: streamed bytes, indexed filters, paging.
@Suite struct LiveListingRoutesTests {
    func inventory(_ backends: [FixedBackend]) -> Inventory {
        Inventory(backends: backends.map { RegisteredBackend(backend: $0, timeout: .seconds(5)) },
                  logger: Logger(label: "test"))
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    /// The streamed seed answer is byte-for-byte what `JSONEncoder` makes of a one-shot fan-out.
    @Test func streamedSeedShapeIsIdenticalToTheEncoders() async throws {
        let backends = [FixedBackend(name: "e15-test"), FixedBackend(name: "n32", failure: .connectionRefused),
                        FixedBackend(name: "e15")]
        let inventory = inventory(backends)
        var oneShot = await inventory.listVMs()
        // The live model lists by name; the one-shot fan-out in the engine's order.
        for index in oneShot.engines.indices {
            if case .success(let vms) = oneShot.engines[index].outcome {
                oneShot.engines[index].outcome = .success(vms.sorted { ($0.name, $0.id) < ($1.name, $1.id) })
            }
        }
        let expected = try InventoryDocument.seedShape(oneShot)
        let app = Application(router: AggregatorServer.buildRouter(inventory: inventory))
        try await app.test(.router) { client in
            try await client.execute(uri: "/ovirt/vm_list", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == "\(expected.count)")
                #expect(String(buffer: response.body) == String(decoding: expected, as: UTF8.self))
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
        let expected = try InventoryDocument.seedShape(await inventory.listVMs())
        #expect(expected.count > JSONBody.singleBufferLimit)
        let app = Application(router: AggregatorServer.buildRouter(inventory: inventory))
        try await app.test(.live) { client in
            try await client.execute(uri: "/ovirt/vm_list", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == expected.count)
                #expect(Data(response.body.readableBytesView) == expected)
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
