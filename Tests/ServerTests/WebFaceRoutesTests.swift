import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WebUI

@testable import Server

/// The web face inside the API's router: `/` still answers JSON to every client that does not
/// ask for HTML, the shells and assets need no token and hold no data, and the API stays protected.
@Suite struct WebFaceRoutesTests {
    static let browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"

    func get(_ client: some TestClientProtocol, _ uri: String, _ headers: HTTPFields = [:]) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, body: String)
    {
        try await client.execute(uri: uri, method: .get, headers: headers) { response in
            (response.status, response.headers, AuthHarness.text(response.body))
        }
    }

    @Test func theIndexStaysJSONForEveryClientThatDoesNotAskForHTML() async throws {
        try await AuthHarness.with { harness in
            try await harness.application(.open()).test(.router) { client in
                let (_, _, plain) = try await get(client, "/")
                for accept in ["application/json", "*/*", "application/json, text/html;q=0.5", "text/*"] {
                    let (status, headers, body) = try await get(client, "/", [.accept: accept])
                    #expect(status == .ok, "\(accept)")
                    #expect(headers[.contentType]?.hasPrefix("application/json") == true, "\(accept)")
                    #expect(body == plain, "\(accept)")
                }
                let index = try AuthHarness.json(ByteBuffer(string: plain))
                #expect(index["name"] as? String == "vmaggregator")
                #expect((index["endpoints"] as? [String])?.contains("/api/v1/vms") == true)

                let (status, headers, page) = try await get(client, "/", [.accept: Self.browserAccept])
                #expect(status == .ok)
                #expect(headers[.contentType] == "text/html; charset=utf-8")
                #expect(headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(headers[.vary]?.contains("Accept") == true)
                #expect(page.hasPrefix("<!DOCTYPE html>"))
                #expect(page.contains(#"data-page="overview""#))
            }
        }
    }

    @Test func shellsAndAssetsNeedNoTokenButTheDataDoes() async throws {
        try await AuthHarness.with { harness in
            let access = AccessControl(tokens: TokenRegistry(AuthHarness.configuredTokens))
            try await harness.application(access).test(.router) { client in
                for path in ["/vms", "/hosts?q=web", "/clusters", "/jobs?state=failed", "/jobs/some-id", "/create"] {
                    let (status, _, body) = try await get(client, path)
                    #expect(status == .ok, "\(path)")
                    #expect(body.contains("<main"), "\(path)")
                    #expect(!body.contains("e15-test"), "a shell names no engine: \(path)")
                }
                let (pageStatus, _, page) = try await get(client, "/", [.accept: Self.browserAccept])
                #expect(pageStatus == .ok)
                #expect(!page.contains("e15-test"))

                // The JSON index, the listings and the jobs still need a token.
                for (path, accept) in [("/", "application/json"), ("/", "*/*"), ("/api/v1/vms", Self.browserAccept),
                                       ("/api/v1/jobs", Self.browserAccept), ("/ovirt/vm_list", Self.browserAccept)] {
                    let (status, headers, _) = try await get(client, path, [.accept: accept])
                    #expect(status == .unauthorized, "\(path) \(accept)")
                    #expect(headers[.wwwAuthenticate] != nil)
                }
                var reader = AuthHarness.bearer(AuthHarness.tokens[.reader])
                reader[.accept] = "application/json"
                let (status, _, _) = try await get(client, "/", reader)
                #expect(status == .ok)

                // Creating still needs an operator, whatever the page sends.
                let created = try await client.execute(uri: "/ovirt/create_vm", method: .post,
                                                       headers: [.accept: Self.browserAccept, .contentType: "application/json"],
                                                       body: ByteBuffer(string: "[]")) { $0.status }
                #expect(created == .unauthorized)
            }
        }
    }

    @Test func assetsAreVersionedCachedAndRevalidated() async throws {
        try await AuthHarness.with { harness in
            try await harness.application(.open()).test(.router) { client in
                let (_, _, page) = try await get(client, "/vms")
                let script = try #require(page.firstMatch(of: /src="(\/ui\/app\.[0-9a-f]{16}\.js)"/)?.output.1)
                let style = try #require(page.firstMatch(of: /href="(\/ui\/app\.[0-9a-f]{16}\.css)"/)?.output.1)
                for (path, type) in [(String(script), "text/javascript"), (String(style), "text/css")] {
                    let (status, headers, body) = try await get(client, path)
                    #expect(status == .ok)
                    #expect(headers[.contentType]?.hasPrefix(type) == true)
                    #expect(headers[.cacheControl]?.contains("immutable") == true)
                    #expect(!body.isEmpty)
                    let etag = try #require(headers[.eTag])
                    let (again, _, _) = try await get(client, path, [.ifNoneMatch: etag])
                    #expect(again == .notModified)
                }
                let (plain, plainHeaders, _) = try await get(client, "/ui/app.js")
                #expect(plain == .ok)
                #expect(plainHeaders[.cacheControl] == "no-cache")
                let (missing, _, missingBody) = try await get(client, "/ui/nothing.js")
                #expect(missing == .notFound)
                #expect(missingBody.contains(#""code":"unknown_asset""#))
            }
        }
    }

    @Test func theLanguageFollowsTheBrowserAndTheSwitchIsRemembered() async throws {
        try await AuthHarness.with { harness in
            try await harness.application(.open()).test(.router) { client in
                let (_, russianHeaders, russian) = try await get(client, "/vms", [.acceptLanguage: "ru-RU,ru;q=0.9,en;q=0.8"])
                #expect(russianHeaders[.contentLanguage] == "ru")
                #expect(russian.contains(#"<html lang="ru">"#))
                #expect(russian.contains("Виртуальные машины"))
                let (_, _, english) = try await get(client, "/vms", [.acceptLanguage: "de-DE,en;q=0.5"])
                #expect(english.contains(#"<html lang="en">"#))

                let (_, switched, chosen) = try await get(client, "/vms?lang=en", [.acceptLanguage: "ru"])
                #expect(chosen.contains(#"<html lang="en">"#))
                let cookie = try #require(switched[.setCookie])
                #expect(cookie.hasPrefix("vma_lang=en"))
                let (_, _, remembered) = try await get(client, "/jobs", [.acceptLanguage: "ru", .cookie: "vma_lang=en"])
                #expect(remembered.contains(#"<html lang="en">"#))
            }
        }
    }

    @Test func existingRoutesAreNotShadowed() async throws {
        try await AuthHarness.with { harness in
            try await harness.application(.open()).test(.router) { client in
                for path in ["/ovirt/vm_list", "/api/v1/vms", "/api/v1/jobs", "/health", "/ready"] {
                    let (status, headers, _) = try await get(client, path, [.accept: Self.browserAccept])
                    #expect(status == .ok, "\(path)")
                    #expect(headers[.contentType]?.hasPrefix("application/json") == true, "\(path)")
                }
            }
        }
    }
}
