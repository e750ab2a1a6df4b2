import AggregatorCore
import Foundation
import Logging
import Testing

@testable import Server

/// The wire JSON of the listed types and of the two listing shapes, byte for byte.
@Suite struct ListingDocumentTests {
    /// Strings a guest, an operator or an engine could put in a name or description.
    static let hostileStrings = [
        "", "plain", "Тест-VM", "quote \" and \\ backslash", "slash/and\\/", "tab\tnew\nline\rcr",
        "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}", "emoji 🧪👩‍💻", "\u{2028}\u{2029}", "<script>&amp;</script>",
        String(repeating: "x", count: 5000), "e\u{301}",
    ]
    static let sample = "q\"b\\s/t\tn\nТ🧪\u{1}"

    /// The JSON each type had before its wire encoding moved to the server (clients parse it).
    @Test func itemsKeepTheirWireBytes() {
        let vm = VM(engine: "e15", id: "id-1", name: Self.sample, status: "up", cluster: "Default", dataCenter: "DC",
                    host: "h1", cpus: -1, cores: Int.max, memoryBytes: Int64.min, ipAddresses: [Self.sample, "10.0.0.1"],
                    fqdn: "a.example/x", description: "d", comment: "c", template: "Blank", osType: "rhel_8x64",
                    creationTime: Date(timeIntervalSince1970: 1_700_000_000.987), rawStatus: "running")
        #expect(Self.text(vm.jsonBytes) == #"{"cluster":"Default","comment":"c","cores":9223372036854775807,"cpus":-1,"creation_time":"2023-11-14T22:13:20Z","data_center":"DC","description":"d","engine":"e15","fqdn":"a.example/x","host":"h1","id":"id-1","ip_addresses":["q\"b\\s/t\tn\nТ🧪\u0001","10.0.0.1"],"memory_bytes":-9223372036854775808,"name":"q\"b\\s/t\tn\nТ🧪\u0001","os_type":"rhel_8x64","raw_status":"running","status":"up","template":"Blank"}"#)
        #expect(Self.text(VM(engine: "e", id: "i", name: "n", status: "down").jsonBytes)
            == #"{"engine":"e","id":"i","ip_addresses":[],"name":"n","status":"down"}"#)
        let host = Hypervisor(
            engine: "e", id: "h", name: Self.sample, address: "10.0.0.9", status: "up", cluster: "Default",
            dataCenter: "DC", cpuModel: "Xeon", cpuCores: 0, cpuThreads: 96, memoryBytes: 0, vmCount: 3,
            osVersion: "RHEL 8", comment: "c", rawStatus: "online")
        #expect(Self.text(host.jsonBytes) == #"{"address":"10.0.0.9","cluster":"Default","comment":"c","cpu_cores":0,"cpu_model":"Xeon","cpu_threads":96,"data_center":"DC","engine":"e","id":"h","memory_bytes":0,"name":"q\"b\\s/t\tn\nТ🧪\u0001","os_version":"RHEL 8","raw_status":"online","status":"up","vm_count":3}"#)
        #expect(Self.text(Hypervisor(engine: "e", id: "h", name: "n", status: "up").jsonBytes)
            == #"{"engine":"e","id":"h","name":"n","status":"up"}"#)
        let cluster = Cluster(engine: "e", id: "c", name: Self.sample, dataCenter: "DC", cpuType: "Intel", version: "4.7",
                              hostCount: 1, vmCount: 2, description: "d", comment: "c")
        #expect(Self.text(cluster.jsonBytes) == #"{"comment":"c","cpu_type":"Intel","data_center":"DC","description":"d","engine":"e","host_count":1,"id":"c","name":"q\"b\\s/t\tn\nТ🧪\u0001","version":"4.7","vm_count":2}"#)
        #expect(Self.text(Cluster(engine: "e", id: "c", name: "n").jsonBytes) == #"{"engine":"e","id":"c","name":"n"}"#)
        #expect(Self.text(Self.fullStatus(Self.sample).jsonBytes) == #"{"age_ms":0,"cached_age_ms":9,"count":12,"duration_ms":345,"engine":"q\"b\\s/t\tn\nТ🧪\u0001","error":"timeout","http_status":502,"kind":"ovirt","message":"q\"b\\s/t\tn\nТ🧪\u0001","ok":false,"refresh":"read","stale":true}"#)
        #expect(Self.text(EngineStatus(engine: "e", kind: "k", ok: true, count: 0, durationMs: 0).jsonBytes)
            == #"{"count":0,"duration_ms":0,"engine":"e","kind":"k","ok":true}"#)
    }

    /// A status inside a `Codable` body (errors, `/api/v1/backends`) has its listing bytes.
    @Test(arguments: hostileStrings)
    func engineStatusInACodableBodyHasItsListingBytes(_ text: String) throws {
        let minimal = EngineStatus(engine: text, kind: "k", ok: true, count: 0, durationMs: 0)
        for status in [Self.fullStatus(text), minimal] {
            #expect(Self.text(Array(try JSONBody.encode(EngineStatusBody(status)))) == Self.text(status.jsonBytes))
        }
    }

    /// Hostile text survives the trip: what is written parses back to the same values.
    @Test(arguments: hostileStrings)
    func hostileTextParsesBack(_ text: String) throws {
        let vm = VM(engine: "e", id: text, name: text, status: "up", ipAddresses: [text], description: text)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(vm.jsonBytes)) as? [String: Any])
        #expect(parsed["name"] as? String == text)
        #expect(parsed["description"] as? String == text)
        #expect(parsed["ip_addresses"] as? [String] == [text])
    }

    /// The streamed flat answer is what `JSONEncoder` writes of the same document.
    @Test func flatDocumentIsWhatTheEncoderWrites() async throws {
        struct Flat: Encodable {
            var complete: Bool
            var count: Int
            var engines: [EngineStatusBody]
            var items: [Fields<VM>]
            var nextCursor: String?
            var total: Int
        }
        let model = Self.model([Self.backend("a", vms: 30), Self.backend("b", vms: 3)])
        for query in [InventoryQuery(), InventoryQuery(limit: 7), InventoryQuery(nameContains: "vm-01")] {
            let listing = await model.vms(query)
            let expected = Flat(complete: listing.isComplete, count: listing.count,
                                engines: listing.statuses.map(EngineStatusBody.init), items: listing.items.map(Fields.init),
                                nextCursor: listing.nextCursor?.token, total: listing.total)
            #expect(Self.text(ListingDocument.flat(listing).joined) == Self.text(Array(try JSONBody.encode(expected))))
        }
    }

    /// The seed shape (the HTTP seed routes and `aggregator export`), engines in configuration
    /// order (not sorted), failures under `_errors`.
    @Test func seedShapeIsWhatTheEncoderWritesPerEngine() async throws {
        let model = Self.model([Self.backend("zeta", vms: 4), FixedBackend(name: "alpha", failure: .connectionRefused)])
        let listing = await model.vms()
        var expected = Data("{\"zeta\":".utf8)
        expected += try JSONBody.encode(listing.items.map(Fields.init))
        expected += Data(",\"alpha\":[],\"_errors\":{\"alpha\":".utf8)
        expected += try JSONBody.encode(ListingDocument.SeedError(listing.statuses[1]))
        expected += Data("}}".utf8)
        #expect(Self.text(ListingDocument.seedShape(listing).joined) == Self.text(Array(expected)))
    }

    /// A record is encoded once: a listing of an unchanged item reuses its bytes.
    @Test func recordsKeepTheirBytesBetweenListings() async throws {
        let model = Self.model([Self.backend("a", vms: 2)])
        let first = await model.vms()
        let second = await model.vms()
        let record = try #require(first.parts.first?.records.first)
        #expect(second.parts.first?.records.first === record)
        #expect(record.encoded(by: { _ in [] }) == ListingDocument.bytes(record))
    }

    /// Encodes a value's wire fields through an `Encoder`, to compare with `JSONEncoder`.
    struct Fields<Value: JSONObjectWritable>: Encodable {
        var value: Value
        init(_ value: Value) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encodeFields(to: encoder) }
    }

    static func fullStatus(_ text: String) -> EngineStatus {
        var status = EngineStatus(engine: text, kind: "ovirt", ok: false, count: 12, durationMs: 345, error: "timeout",
                                  message: text, httpStatus: 502, cachedAgeMs: 9)
        status.ageMs = 0
        status.stale = true
        status.refresh = "read"
        return status
    }

    static func backend(_ name: String, vms count: Int) -> FixedBackend {
        var backend = FixedBackend(name: name)
        backend.vms = (0..<count).map {
            VM(engine: name, id: "\(name)-\($0)", name: String(format: "vm-%02d", $0), status: $0 % 2 == 0 ? "up" : "down",
               cluster: "Default", cpus: 2, memoryBytes: 1 << 30, ipAddresses: ["10.1.1.\($0)"],
               creationTime: Date(timeIntervalSince1970: 1_700_000_000 + Double($0)))
        }
        return backend
    }

    static func model(_ backends: [FixedBackend]) -> InventoryModel {
        InventoryModel(backends: backends.map { RegisteredBackend(backend: $0, timeout: .seconds(5)) },
                       logger: Logger(label: "test"))
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
