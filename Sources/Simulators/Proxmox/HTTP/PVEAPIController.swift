import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Serves `/api2/json/…` the way `pveproxy` does: authentication (ticket
/// cookie with CSRF token for writes, or API token), the bounded body, the
/// merged parameters, the proxy hop to the node in the path, the schema
/// check, then the method.
struct PVEAPIController<Context: RequestContext>: Sendable {
    let state: ClusterState
    let routes: [APIRoute]

    /// The largest body the real server reads (`$limit_max_post`).
    static var maxBodyBytes: Int { 512 * 1024 }
    /// A bound of the simulator's own: parameters per request.
    static var maxParameters: Int { 1000 }

    init(state: ClusterState) {
        self.state = state
        self.routes = PVERoutes(state: state).all
    }

    func addRoutes(to router: Router<Context>) {
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            router.on("api2/**", method: method) { request, _ in await handle(request) }
        }
    }

    func handle(_ request: Request) async -> Response {
        let method = request.method.rawValue
        let path = FormDecoding.percentDecode(Substring(request.uri.path), plusIsSpace: false)
        if let rule = state.takeFault(method: method, path: path) {
            if rule.latency > .zero { try? await Task.sleep(for: rule.latency) }
            return PVEResponse.failure(PVEError(status: rule.status, message: rule.message + "\n"))
        }
        guard let (format, relative) = Self.split(path) else {
            return PVEResponse.serverError(501, "no such uri")
        }
        guard format == "json" else {
            return PVEResponse.serverError(501, "no formatter for uri \(relative), \(format)")
        }
        let segments = relative.split(separator: "/").map(String.init)
        let matches = routes.compactMap { route in route.match(segments).map { (route, $0) } }
        let isPublic = matches.contains { $0.0.isPublic && $0.0.method == method }

        var user = ""
        if !isPublic {
            switch authenticate(request, method: method) {
            case .success(let caller): user = caller
            case .failure(let error):
                if state.options.unauthorizedDelay > .zero { try? await Task.sleep(for: state.options.unauthorizedDelay) }
                return PVEResponse.failure(error)
            }
        }

        let params: [String: RequestValue]
        switch await readParameters(request, method: method) {
        case .success(let parsed): params = parsed
        case .failure(let early): return early.response
        }
        guard let (route, uriParams) = matches.first(where: { $0.0.method == method }) else {
            return PVEResponse.failure(.notImplemented(method: method, path: relative))
        }
        do throws(PVEError) {
            let result = try dispatch(route, uriParams: uriParams, params: params, method: method, path: relative, user: user)
            return PVEResponse.success(result)
        } catch {
            if error.status == 401, state.options.unauthorizedDelay > .zero {
                try? await Task.sleep(for: state.options.unauthorizedDelay)
            }
            return PVEResponse.failure(error)
        }
    }

    private func dispatch(
        _ route: APIRoute,
        uriParams: [String: String],
        params bodyParams: [String: RequestValue],
        method: String,
        path: String,
        user: String
    ) throws(PVEError) -> APIResult {
        var params = bodyParams
        var conflicts: [String: String] = [:]
        for (name, value) in uriParams {
            if let given = params[name], given.scalar != value {
                conflicts[name] = "duplicate parameter (already defined in URI) with conflicting values!"
            }
            params[name] = .text(value)
        }
        if !conflicts.isEmpty { throw .parameters(conflicts) }
        if route.proxyToNode, let node = uriParams["node"] {
            let model = state.snapshot().model
            guard let target = model.node(node) else {
                throw .runtime("hostname lookup '\(node)' failed - failed to get address info for: \(node): Name or service not known")
            }
            guard target.online else { throw .nodeUnreachable() }
        }
        let errors = ParameterValidator.validate(params, schema: route.schema)
        if !errors.isEmpty { throw .parameters(errors) }
        return try route.handler(APICall(method: method, path: path, params: Parameters(values: params), user: user))
    }

    /// `/api2/json/nodes` → (`json`, `/nodes`).
    static func split(_ path: String) -> (format: String, relative: String)? {
        guard path.hasPrefix("/api2/") else { return nil }
        let rest = path.dropFirst("/api2/".count).drop { $0 == "/" }
        let format = rest.prefix { $0 != "/" }
        guard let first = format.first, first.isASCII, first.isLowercase,
            format.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }), format.count >= 2
        else { return nil }
        let relative = rest.dropFirst(format.count)
        return (String(format), relative.isEmpty ? "/" : String(relative))
    }

    // MARK: Authentication

    /// The caller, or the 401 the real proxy answers.
    private func authenticate(_ request: Request, method: String) -> Result<String, PVEError> {
        let cookie = request.headers[.cookie]
        let authorization = request.headers[.authorization]
        var ticket = Self.authValue(in: cookie, key: "PVEAuthCookie")
        if ticket == nil { ticket = Self.authValue(in: authorization, key: "PVEAuthCookie") }
        if let ticket {
            guard let user = state.user(ofTicket: ticket) else { return .failure(.unauthorized("Authentication failed!")) }
            if method != "GET" {
                let token = request.headers[HTTPField.Name("CSRFPreventionToken")!] ?? ""
                guard state.isValid(csrfToken: token, user: user) else {
                    return .failure(.unauthorized("Permission denied - invalid csrf token"))
                }
            }
            return .success(user)
        }
        guard let apiToken = Self.authValue(in: authorization, key: "PVEAPIToken") else {
            return .failure(.unauthorized("No ticket"))
        }
        guard let equals = apiToken.lastIndex(of: "=") else { return .failure(.unauthorized("Authentication failed!")) }
        let tokenID = String(apiToken[..<equals])
        let secret = String(apiToken[apiToken.index(after: equals)...])
        guard state.options.apiTokens.contains(where: { $0.tokenID == tokenID && $0.secret == secret }) else {
            return .failure(.unauthorized("Authentication failed!"))
        }
        return .success(tokenID)
    }

    /// `extract_auth_value`: `KEY=VALUE` (or `KEY VALUE`) at the start or
    /// after whitespace, up to `;`, percent-decoded.
    static func authValue(in header: String?, key: String) -> String? {
        guard let header else { return nil }
        var searchStart = header.startIndex
        while let range = header.range(of: key, range: searchStart..<header.endIndex) {
            searchStart = range.upperBound
            let atStart = range.lowerBound == header.startIndex || header[header.index(before: range.lowerBound)].isWhitespace
            guard atStart, range.upperBound < header.endIndex,
                header[range.upperBound] == "=" || header[range.upperBound] == " "
            else { continue }
            let value = header[header.index(after: range.upperBound)...].prefix { $0 != ";" }
            return value.isEmpty ? nil : FormDecoding.percentDecode(value, plusIsSpace: false)
        }
        return nil
    }

    // MARK: Body

    private struct EarlyAnswer: Error {
        var response: Response
    }

    /// Query and body parameters (the query wins), bounded as the real server bounds them.
    private func readParameters(_ request: Request, method: String) async -> Result<[String: RequestValue], EarlyAnswer> {
        var body: [UInt8] = []
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > Self.maxBodyBytes {
            return .failure(EarlyAnswer(response: PVEResponse.serverError(501, "for data too large")))
        }
        do {
            for try await chunk in request.body {
                body.append(contentsOf: chunk.readableBytesView)
                if body.count > Self.maxBodyBytes {
                    return .failure(EarlyAnswer(response: PVEResponse.serverError(501, "for data too large")))
                }
            }
        } catch {
            return .failure(EarlyAnswer(response: PVEResponse.serverError(400, "unable to read request body")))
        }
        var params: [String: RequestValue] = [:]
        if !body.isEmpty {
            guard method == "POST" || method == "PUT" else {
                return .failure(EarlyAnswer(response: PVEResponse.serverError(501, "Unexpected content for method '\(method)'")))
            }
            let contentType = request.headers[.contentType] ?? ""
            let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            switch mediaType {
            case "application/json":
                do throws(JSONBodyParser.Failure) {
                    let value = try JSONBodyParser.parse(body)
                    guard let object = FormDecoding.parameters(fromJSON: value) else {
                        return .failure(EarlyAnswer(response: PVEResponse.serverError(500, "Not a HASH reference")))
                    }
                    params = object
                } catch {
                    return .failure(EarlyAnswer(response: PVEResponse.serverError(500, error.message)))
                }
            case "", "application/x-www-form-urlencoded":
                params = FormDecoding.decode(Substring(decoding: body, as: UTF8.self))
            default:
                return .failure(EarlyAnswer(response: PVEResponse.serverError(506, "upload 'Content-Type '\(contentType)' not implemented")))
            }
        }
        if let query = request.uri.query {
            for (name, value) in FormDecoding.decode(Substring(query)) { params[name] = value }
        }
        params["_dc"] = nil
        if params.count > Self.maxParameters {
            return .failure(EarlyAnswer(response: PVEResponse.serverError(400, "too many parameters")))
        }
        return .success(params)
    }
}
