import AggregatorTesting
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// An engine whose audit log a test writes directly, to put the change feed in situations a
/// healthy engine rarely shows: ids going backwards, a purged log, an event that commits late or
/// never, and an engine that ignores `from`.
///
/// `GET /events` follows the real engine: events with an index above `from` (all for 0 or none),
/// newest first, `max` per page and `search=page N` for the older pages. One VM (`vm-1`) on one
/// host (`host-1`) in one cluster (`c1`, data center `dc1`) can be read by id; other ids are 404.
final class EventStubEngine: Sendable {
    struct Event: Sendable {
        var index: Int64
        var code: Int = 35
        var time: Int64
        var vm: String?
        var host: String?
        var cluster: String?
    }

    struct State: Sendable {
        var events: [Event] = []
        var ignoresFrom = false
        var eventRequests = 0
    }

    let state = Mutex(State())

    /// Appends (or replaces) event `index`.
    func add(_ index: Int64, code: Int = 35, time: Int64? = nil, vm: String? = nil, host: String? = nil,
             cluster: String? = nil) {
        state.withLock { state in
            state.events.removeAll { $0.index == index }
            state.events.append(Event(index: index, code: code, time: time ?? 1_700_000_000_000 + index, vm: vm,
                                      host: host, cluster: cluster))
        }
    }

    /// Events `range`, each naming VM `vm-<index>`.
    func add(_ range: ClosedRange<Int64>) {
        for index in range { add(index, vm: "vm-\(index)") }
    }

    func remove(where predicate: (Event) -> Bool) {
        state.withLock { state in state.events.removeAll(where: predicate) }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("ovirt-engine/sso/oauth/token") { _, _ in
            Self.json(#"{"access_token":"stub-token","token_type":"bearer","scope":"ovirt-app-api","exp":"1"}"#)
        }
        router.post("ovirt-engine/services/sso-logout") { _, _ in Self.json("{}") }
        router.get("ovirt-engine/api/events") { request, _ in
            let query = request.uri.queryParameters
            return Self.json(self.events(from: query["from"].flatMap { Int64(String($0)) },
                                         max: query["max"].flatMap { Int(String($0)) },
                                         search: query["search"].map(String.init)))
        }
        router.get("ovirt-engine/api/vms/:id") { _, context in
            guard context.parameters.get("id") == "vm-1" else { return Self.notFound() }
            return Self.json(#"{"id":"vm-1","name":"web-1","status":"up","memory":1073741824,"cpu":{"topology":{"cores":"2","sockets":"1","threads":"1"}},"cluster":{"id":"c1"},"host":{"id":"host-1"},"template":{"id":"00000000-0000-0000-0000-000000000000"}}"#)
        }
        router.get("ovirt-engine/api/hosts/:id") { _, context in
            guard context.parameters.get("id") == "host-1" else { return Self.notFound() }
            return Self.json(Self.host)
        }
        router.get("ovirt-engine/api/clusters/:id") { _, context in
            guard context.parameters.get("id") == "c1" else { return Self.notFound() }
            return Self.json(Self.cluster)
        }
        router.get("ovirt-engine/api/hosts") { _, _ in Self.json("{\"host\":[\(Self.host)]}") }
        router.get("ovirt-engine/api/clusters") { _, _ in Self.json("{\"cluster\":[\(Self.cluster)]}") }
        router.get("ovirt-engine/api/datacenters") { _, _ in Self.json(#"{"data_center":[{"id":"dc1","name":"Default"}]}"#) }
        router.get("ovirt-engine/api/templates") { _, _ in Self.json("{}") }
        return router
    }

    private static let host = #"{"id":"host-1","name":"host01","status":"up","cluster":{"id":"c1"},"summary":{"active":"1","total":"1"}}"#
    private static let cluster = #"{"id":"c1","name":"Default","data_center":{"id":"dc1"},"version":{"major":"4","minor":"7"}}"#

    private func events(from: Int64?, max: Int?, search: String?) -> String {
        let (events, ignoresFrom) = state.withLock { state in
            state.eventRequests += 1
            return (state.events, state.ignoresFrom)
        }
        var selected = events.sorted { $0.index > $1.index }
        if let from, from > 0, !ignoresFrom { selected = selected.filter { $0.index > from } }
        if let max {
            let page = search.flatMap { $0.split(separator: " ").last.flatMap { Int($0) } } ?? 1
            selected = Array(selected.dropFirst((page - 1) * max).prefix(max))
        }
        guard !selected.isEmpty else { return "{}" }
        let items = selected.map { event in
            var fields = [#""index":"\#(event.index)""#, #""id":"\#(event.index)""#, #""code":"\#(event.code)""#,
                          #""time":\#(event.time)"#, #""severity":"normal""#, #""description":"stub event""#]
            if let vm = event.vm { fields.append(#""vm":{"id":"\#(vm)","href":"/ovirt-engine/api/vms/\#(vm)"}"#) }
            if let host = event.host { fields.append(#""host":{"id":"\#(host)"}"#) }
            if let cluster = event.cluster { fields.append(#""cluster":{"id":"\#(cluster)"}"#) }
            return "{" + fields.joined(separator: ",") + "}"
        }
        return "{\"event\":[" + items.joined(separator: ",") + "]}"
    }

    private static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func notFound() -> Response {
        Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer()))
    }

    /// Serves on a free loopback port for the duration of `body`.
    func serve<T>(_ body: (Int) async throws -> T) async throws -> T {
        try await serveOnLoopback(router(), label: "event-stub", body)
    }
}
