import Foundation
import Logging
import Synchronization
import Testing

@testable import AggregatorCore

@Suite struct ListingDocumentTests {
    /// Strings a guest, an operator or an engine could put in a name or description.
    static let hostileStrings = [
        "", "plain", "Тест-VM", "quote \" and \\ backslash", "slash/and\\/", "tab\tnew\nline\rcr",
        "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}", "emoji 🧪👩‍💻", "\u{2028}\u{2029}", "<script>&amp;</script>",
        String(repeating: "x", count: 5000), "e\u{301}",
    ]

    @Test(arguments: hostileStrings)
    func itemJSONMatchesTheEncoderForHostileText(_ text: String) throws {
        let vm = VM(engine: "e", id: text, name: text, status: "up", cluster: text, dataCenter: text, host: text,
                    cpus: -1, cores: Int.max, memoryBytes: Int64.min, ipAddresses: [text, "10.0.0.1"], fqdn: text,
                    description: text, comment: text, template: text, osType: text,
                    creationTime: Date(timeIntervalSince1970: 1_700_000_000.987))
        #expect(String(decoding: StoredRecord(vm).json, as: UTF8.self)
            == String(decoding: try ListingDocument.makeEncoder().encode(vm), as: UTF8.self))
        let host = AggregatorCore.Host(engine: "e", id: "h", name: text, address: text, status: text, cluster: text, dataCenter: text,
                        cpuModel: text, cpuCores: 0, cpuThreads: 96, memoryBytes: 0, vmCount: 3, osVersion: text,
                        comment: text)
        #expect(StoredRecord(host).json == Array(try ListingDocument.makeEncoder().encode(host)))
        let cluster = Cluster(engine: "e", id: "c", name: text, dataCenter: text, cpuType: text, version: "4.7",
                              hostCount: 1, vmCount: 2, description: text, comment: text)
        #expect(StoredRecord(cluster).json == Array(try ListingDocument.makeEncoder().encode(cluster)))
    }

    @Test(arguments: [-86_400.5, 0, 951_782_400, 1_700_000_000.999, 4_102_444_800, 253_402_300_799])
    func datesMatchTheEncoder(_ seconds: Double) throws {
        let vm = VM(engine: "e", id: "i", name: "n", status: "up", creationTime: Date(timeIntervalSince1970: seconds))
        #expect(StoredRecord(vm).json == Array(try ListingDocument.makeEncoder().encode(vm)))
    }

    @Test(arguments: hostileStrings)
    func engineStatusJSONMatchesTheEncoder(_ text: String) throws {
        var full = EngineStatus(engine: text, kind: "ovirt", ok: false, count: 12, durationMs: 345, error: "timeout",
                                message: text, httpStatus: 502, cachedAgeMs: 9)
        full.ageMs = 0
        full.stale = true
        let minimal = EngineStatus(engine: text, kind: "k", ok: true, count: 0, durationMs: 0)
        for status in [full, minimal] {
            var writer = JSONByteWriter()
            status.writeJSON(into: &writer)
            #expect(String(decoding: writer.bytes, as: UTF8.self)
                == String(decoding: try ListingDocument.makeEncoder().encode(status), as: UTF8.self))
        }
    }

    @Test func minimalItemsOmitAbsentFieldsAsTheEncoderDoes() throws {
        let vm = VM(engine: "e", id: "i", name: "n", status: "down")
        #expect(StoredRecord(vm).json == Array(try ListingDocument.makeEncoder().encode(vm)))
        let host = AggregatorCore.Host(engine: "e", id: "h", name: "n", status: "up")
        #expect(StoredRecord(host).json == Array(try ListingDocument.makeEncoder().encode(host)))
    }

    /// The streamed flat answer is byte-identical to encoding the same document with `JSONEncoder`.
    @Test func flatDocumentIsWhatTheEncoderWrites() async throws {
        struct Flat: Encodable {
            var complete: Bool
            var count: Int
            var engines: [EngineStatus]
            var items: [VM]
            var nextCursor: String?
            var total: Int
        }
        let a = FeedBackend(name: "a", vms: (0..<30).map { VM.sample("a", $0, ips: ["10.1.1.\($0)"]) })
        let b = FeedBackend(name: "b", vms: (0..<3).map { VM.sample("b", $0) })
        let model = InventoryModel(backends: [a, b].map { RegisteredBackend(backend: $0, timeout: .seconds(5)) },
                                   logger: .init(label: "t"))
        for query in [InventoryQuery(), InventoryQuery(limit: 7), InventoryQuery(nameContains: "vm00")] {
            let listing = await model.vms(query)
            let expected = Flat(complete: listing.isComplete, count: listing.count, engines: listing.statuses,
                                items: listing.items, nextCursor: listing.nextCursor?.token, total: listing.total)
            #expect(String(decoding: ListingDocument.flat(listing).joined, as: UTF8.self)
                == String(decoding: try ListingDocument.makeEncoder().encode(expected), as: UTF8.self))
        }
    }

    /// The seed shape, engines in configuration order (not sorted), failures under `_errors`.
    @Test func seedShapeIsWhatTheEncoderWritesPerEngine() async throws {
        let a = FeedBackend(name: "zeta", vms: (0..<4).map { VM.sample("zeta", $0) })
        let b = FeedBackend(name: "alpha")
        b.state.withLock { $0.failing = .connectionRefused }
        let model = InventoryModel(backends: [a, b].map { RegisteredBackend(backend: $0, timeout: .seconds(5)) },
                                   logger: .init(label: "t"))
        let listing = await model.vms()
        let encoder = ListingDocument.makeEncoder()
        var expected = Data("{\"zeta\":".utf8)
        expected += try encoder.encode(listing.items)
        expected += Data(",\"alpha\":[],\"_errors\":{\"alpha\":".utf8)
        expected += try encoder.encode(ListingDocument.SeedError(listing.statuses[1]))
        expected += Data("}}".utf8)
        #expect(String(decoding: ListingDocument.seedShape(listing).joined, as: UTF8.self)
            == String(decoding: expected, as: UTF8.self))
        let decoded = try JSONSerialization.jsonObject(with: Data(ListingDocument.seedShape(listing).joined))
        #expect((decoded as? [String: Any])?["zeta"] as? [Any] != nil)
    }
}
