import Foundation
import Hummingbird
import NIOCore

/// The web face: the pages an operator keeps open (`/`, `/vms`, `/vms/{engine}/{id}`, `/hosts`,
/// `/clusters`, `/jobs`, `/jobs/{id}`, `/create`) and the script and style sheet they load (`/ui/...`).
///
/// A page is a shell without data: the frame, the labels in the reader's language and the
/// script, which fetches everything it shows from the public `/api/v1` endpoints with the
/// reader's token, so a page never shows more than `curl` would. Shells and assets may
/// therefore be served without a token (see ``servesWithoutData(method:path:accept:)``).
///
/// ```swift
/// WebController().addRoutes(to: router)
/// ```
/// `/` itself is the JSON index's route; it answers ``response(_:to:)`` for `.overview` when
/// ``PageNegotiation/prefersHTML(accept:)`` says the request comes from a browser.
public struct WebController: Sendable {
    /// A controller; it holds no state (shells and assets are built once per process).
    public init() {}

    /// Adds the page and asset routes (not `/`).
    public func addRoutes(to router: some RouterMethods<some RequestContext>) {
        for page in [WebPage.vms, .hosts, .clusters, .jobs, .create] {
            router.get(RouterPath(String(page.path.dropFirst()))) { request, _ in
                response(page, to: request)
            }
        }
        router.get("jobs/:id") { request, _ in
            response(.job, to: request)
        }
        router.get("vms/:engine/:id") { request, _ in
            response(.vm, to: request)
        }
        router.get("ui/:file") { request, context in
            let file = try context.parameters.require("file")
            guard let entry = WebAssets.byFileName[file] else { return Self.unknownAsset(file) }
            return entry.asset.response(for: request, immutable: entry.immutable)
        }
    }

    /// The shell of `page` in the language the request asks for (`?lang=` remembered in a
    /// cookie, else the cookie, else `Accept-Language`).
    public func response(_ page: WebPage, to request: Request) -> Response {
        let choice = WebLanguage.choose(
            query: request.uri.queryParameters["lang"].map(String.init),
            cookie: request.cookies[WebLanguage.cookieName]?.value,
            acceptLanguage: request.headers[values: .acceptLanguage])
        let rendered = PageRenderer.shared.page(page, language: choice.language)
        var headers = Self.pageHeaders
        headers[.contentLanguage] = choice.language.code
        headers[.eTag] = rendered.etag
        var response: Response
        if !choice.fromQuery, let tags = request.headers[.ifNoneMatch],
           tags.split(separator: ",").contains(where: { $0.trimmingSpaces == rendered.etag })
        {
            response = Response(status: .notModified, headers: headers)
        } else {
            response = Response(status: .ok, headers: headers, body: .init(byteBuffer: rendered.bytes))
        }
        if choice.fromQuery {
            response.setCookie(Cookie(name: WebLanguage.cookieName, value: choice.language.code,
                                      maxAge: 365 * 24 * 3600, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }

    /// True when `method` on `path` is answered by this controller, with no data in the
    /// answer: a page shell or an asset. The access checks let these through without a token.
    ///
    /// `GET /` counts only when `accept` prefers HTML (the JSON index lists the engines); the
    /// item pages are `/jobs/{id}` and `/vms/{engine}/{id}` (the API's are under `/api/v1`).
    /// Paths are split the way the router splits them (empty components dropped, case kept).
    public static func servesWithoutData(method: HTTPRequest.Method, path: String, accept: [String]) -> Bool {
        guard method == .get || method == .head else { return false }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        switch components.count {
        case 0: return PageNegotiation.prefersHTML(accept: accept)
        case 1: return WebPage.singleComponentPaths.contains(components[0])
        case 2: return components[0] == "jobs" || components[0] == "ui"
        case 3: return components[0] == "vms"
        default: return false
        }
    }

    /// 404 with the API's error body, coded `unknown_asset` (a route that exists, unlike `not_found`).
    static func unknownAsset(_ file: String) -> Response {
        struct Body: Encodable {
            struct Error: Encodable {
                var code: String
                var message: String
                var fix: String
            }
            var error: Error
        }
        let body = Body(error: .init(code: "unknown_asset", message: "no asset '\(file.prefix(100))'",
                                     fix: "load a page; it names the current \(WebAssets.script.path) and \(WebAssets.style.path)"))
        let bytes = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: .notFound, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static let pageHeaders: HTTPFields = {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[.vary] = "Accept, Accept-Language, Cookie"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        if let name = HTTPFields.Element.Name("Referrer-Policy") { headers[name] = "same-origin" }
        if let name = HTTPFields.Element.Name("X-Frame-Options") { headers[name] = "DENY" }
        return headers
    }()
}
