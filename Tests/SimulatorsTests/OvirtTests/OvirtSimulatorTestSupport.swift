import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OvirtSimulator
import Testing

/// Runs `body` against a freshly seeded engine, in-process (no sockets).
func withSimulatedEngine<Value: Sendable>(
    name: String = "e15-test",
    vms: Int = 20,
    hosts: Int = 3,
    _ body: @Sendable (any TestClientProtocol) async throws -> Value
) async throws -> Value {
    var options = SimulatedEngineOptions(name: name)
    options.vmCount = vms
    options.hostCount = hosts
    let app = Application(router: OvirtSimulatorApplication.buildRouter(options))
    return try await app.test(.router, body)
}

extension TestClientProtocol {
    /// Logs in with the SSO password grant and returns the access token.
    func login(username: String = "admin@internal", password: String = "admin") async throws -> String {
        let response = try await ssoToken(username: username, password: password)
        #expect(response.status == .ok)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
        return try #require(json["access_token"] as? String)
    }

    func ssoToken(username: String, password: String, scope: String? = "ovirt-app-api") async throws -> TestResponse {
        var form = "grant_type=password&username=\(formEscape(username))&password=\(formEscape(password))"
        if let scope { form += "&scope=\(scope)" }
        return try await execute(
            uri: "/ovirt-engine/sso/oauth/token",
            method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"],
            body: ByteBuffer(string: form)
        )
    }

    func get(_ uri: String, token: String?, json: Bool = false, extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        headers[.accept] = json ? "application/json" : "application/xml"
        return try await execute(uri: uri, method: .get, headers: headers)
    }

    /// GETs `uri` as JSON and decodes the body.
    func getJSON(_ uri: String, token: String) async throws -> [String: Any] {
        let response = try await get(uri, token: token, json: true)
        #expect(response.status == .ok, "GET \(uri)")
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }
}

private func formEscape(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

extension Data {
    init(buffer: ByteBuffer) {
        self.init(buffer.readableBytesView)
    }
}

/// The `name` of every item in a JSON collection.
func names(_ collection: [String: Any], key: String) -> [String] {
    (collection[key] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
}

/// How often `needle` occurs in `text`.
func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}
