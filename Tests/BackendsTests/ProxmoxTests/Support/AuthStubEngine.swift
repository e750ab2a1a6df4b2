import AggregatorTesting
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A minimal Proxmox VE API for authentication and error tests: `POST /access/ticket`, a few
/// reads, one write that checks the CSRF token, and error answers with their text in the body's
/// `message` as pve-http-server writes it. (The server under it sends the standard reason phrase
/// for standard codes, so bodies without `message` show how a reason-only answer reads.)
final class AuthStubEngine: Sendable {
    static let username = "root@pam"
    static let password = "stub-password-\(UInt32.random(in: 100_000...UInt32.max))"
    static let tokenID = "aggregator@pve!inventory"
    static let tokenSecret = "0b7e2f4a-1c3d-4e5f-8a9b-\(UInt32.random(in: 100_000...UInt32.max))"

    /// Logins that succeeded so far.
    let logins = Mutex(0)
    /// Tickets issued by logins of this generation are valid; bumping it revokes them all.
    let generation = Mutex(0)
    /// Writes seen, with whether they carried the right CSRF token.
    let writes = Mutex<[Bool]>([])
    /// Guest agent calls for the VM whose agent does not answer.
    let silentAgentCalls = Mutex(0)
    /// Authorization headers seen on API calls.
    let authorizations = Mutex<[String]>([])

    func revokeTickets() { generation.withLock { $0 += 1 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("api2/json/access/ticket") { request, context in
            let body = try await request.body.collect(upTo: 1 << 16)
            let form = Self.form(String(buffer: body))
            guard form["username"] == Self.username, form["password"] == Self.password else {
                return Self.respond(status: 401, json: #"{"data":null,"message":"authentication failure\n"}"#)
            }
            let generation = self.generation.withLock { $0 }
            self.logins.withLock { $0 += 1 }
            return Self.respond(json: #"""
                {"data":{"username":"root@pam","ticket":"PVE:root@pam:\#(generation)::sig","CSRFPreventionToken":"csrf-\#(generation)","cap":{}}}
                """#)
        }
        router.get("api2/json/version") { request, _ in
            guard self.authorized(request, write: false) else { return Self.unauthorized() }
            return Self.respond(json: #"{"data":{"version":"8.2.4","release":"8.2","repoid":"faa83925"}}"#)
        }
        router.get("api2/json/cluster/status") { request, _ in
            guard self.authorized(request, write: false) else { return Self.unauthorized() }
            return Self.respond(json: #"{"data":[{"type":"node","id":"node/solo","name":"solo","local":1,"online":1,"ip":"10.0.0.5"}]}"#)
        }
        router.get("api2/json/cluster/resources") { request, _ in
            guard self.authorized(request, write: false) else { return Self.unauthorized() }
            let type = request.uri.queryParameters.get("type")
            if type == "node" {
                return Self.respond(json: #"{"data":[{"id":"node/solo","type":"node","node":"solo","status":"online","maxcpu":4,"maxmem":8589934592}]}"#)
            }
            return Self.respond(json: #"""
                {"data":[{"id":"qemu/100","type":"qemu","vmid":100,"name":"quiet","node":"solo","status":"running","maxcpu":1,"maxmem":1073741824},
                         {"id":"qemu/101","type":"qemu","vmid":101,"name":"chatty","node":"solo","status":"running","maxcpu":1,"maxmem":1073741824}]}
                """#)
        }
        router.get("api2/json/nodes/solo/qemu/100/agent/network-get-interfaces") { request, _ in
            guard self.authorized(request, write: false) else { return Self.unauthorized() }
            self.silentAgentCalls.withLock { $0 += 1 }
            return Self.respond(status: 500, json: #"{"data":null,"message":"QEMU guest agent is not running\n"}"#)
        }
        router.get("api2/json/nodes/solo/qemu/101/agent/network-get-interfaces") { request, _ in
            guard self.authorized(request, write: false) else { return Self.unauthorized() }
            return Self.respond(json: #"""
                {"data":{"result":[{"name":"eth0","ip-addresses":[{"ip-address":"10.1.2.3","ip-address-type":"ipv4","prefix":24}]}]}}
                """#)
        }
        router.get("api2/json/nodes/solo/qemu/999/config") { request, _ in
            guard self.authorized(request, write: false) else { return Self.unauthorized() }
            return Self.respond(status: 500, json: #"""
                {"data":null,"message":"Configuration file 'nodes/solo/qemu-server/999.conf' does not exist\n"}
                """#)
        }
        router.post("api2/json/nodes/solo/qemu/100/config") { request, _ in
            let ok = self.authorized(request, write: true)
            self.writes.withLock { $0.append(ok) }
            guard ok else { return Self.respond(status: 401, reason: "Permission denied - invalid csrf token", json: #"{"data":null}"#) }
            return Self.respond(status: 400, json: #"""
                {"data":null,"message":"Parameter verification failed.\n","errors":{"cores":"value must have a minimum value of 1"}}
                """#)
        }
        return router
    }

    private func authorized(_ request: Request, write: Bool) -> Bool {
        if let authorization = request.headers[.authorization] {
            authorizations.withLock { $0.append(authorization) }
            return authorization == "PVEAPIToken=\(Self.tokenID)=\(Self.tokenSecret)"
        }
        let generation = self.generation.withLock { $0 }
        let cookie = request.headers[.cookie] ?? ""
        guard cookie.contains("PVEAuthCookie=PVE:root@pam:\(generation)::sig") else { return false }
        if write { return request.headers[HTTPField.Name("CSRFPreventionToken")!] == "csrf-\(generation)" }
        return true
    }

    private static func unauthorized() -> Response {
        respond(status: 401, reason: "No ticket", json: #"{"data":null}"#)
    }

    static func respond(status: Int = 200, reason: String? = nil, json: String) -> Response {
        let status = reason.map { HTTPResponse.Status(code: status, reasonPhrase: $0) } ?? HTTPResponse.Status(code: status)
        return Response(status: status, headers: [.contentType: "application/json;charset=UTF-8"],
                        body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    private static func form(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }

    /// Serves on a free loopback port for the duration of `body`.
    func serve<T>(_ body: (String) async throws -> T) async throws -> T {
        try await serveOnLoopback(router(), label: "pve-stub") { port in
            try await body("http://127.0.0.1:\(port)/api2/json")
        }
    }
}
