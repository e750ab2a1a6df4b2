import AggregatorCore
import BackendSupport
import EngineHTTP
import Logging
import Synchronization

/// The objects every call starts from, read once per backend (`RetrieveServiceContent`).
struct VSphereServiceContent: Sendable, Hashable {
    var rootFolder: ManagedObjectReference
    var propertyCollector: ManagedObjectReference
    var viewManager: ManagedObjectReference
    var sessionManager: ManagedObjectReference
    var customizationSpecManager: ManagedObjectReference?
    /// `VMware vCenter Server 6.5.0 build-5973321`.
    var fullName: String?
    var version: String?
    /// `VirtualCenter` or `HostAgent` (a single ESXi host).
    var apiType: String?
}

/// The session cookie one login produced (`vmware_soap_session`), with its login generation so
/// objects tied to the session (container views, property filters) are known to be gone after a
/// new login.
struct VSphereCookie: Sendable, Hashable {
    var header: String
}

/// An authenticated conversation with one vCenter's vim25 API (`/sdk`).
///
/// - One login (`SessionManager.Login`) is shared by every call; a call the vCenter answers
///   with `NotAuthenticated` (an expired or terminated session: real vCenter answers a fault, the
///   simulator a `missingSet` entry) logs in once more and is sent once more.
/// - Faults become ``BackendError`` values through ``VSphereErrorMapping``.
///
/// Safe to use from many tasks at once.
final class VSphereSession: Sendable {
    let engine: String
    let endpoints: EngineEndpoints
    let username: String
    let password: Secret
    let client: HTTPClient
    let errors: VSphereErrorMapping
    let logger: Logger
    let logins = SharedLogin<VSphereCookie>()
    private let content = ServiceContentCache()

    init(engine: String, endpoints: EngineEndpoints, username: String, password: Secret, client: HTTPClient,
         errors: VSphereErrorMapping, logger: Logger) {
        self.engine = engine
        self.endpoints = endpoints
        self.username = username
        self.password = password
        self.client = client
        self.errors = errors
        self.logger = logger
    }

    /// Logins so far (the first one included).
    var loginCount: Int { logins.loginCount }

    // MARK: - Calls

    /// Calls `method` on `this` with the session and returns its `returnval` elements.
    ///
    /// - Throws: ``BackendError`` for a transport failure, a fault (after one fresh login for
    ///   `NotAuthenticated`) or an answer that is not SOAP; `CancellationError`.
    func call(_ method: String, on this: ManagedObjectReference, _ arguments: [SOAPNode] = [],
              timeout: Duration? = nil) async throws -> [XMLElement] {
        let body = SOAPEnvelope.request(method, this: this, arguments: arguments)
        let described = "\(method) on \(this)"
        var answer: SOAPEnvelope.Answer?
        var unreadable: (any Error)?
        var status = 0
        let response = try await logins.send(login: { [self] in try await login() }, onRejected: {
            logger.debug("vCenter answered NotAuthenticated, logging in again",
                         metadata: ["backend.name": "\(engine)", "vsphere.method": "\(method)"])
        }) { cookie in
            let response = try await post(body, cookie: cookie, timeout: timeout)
            status = response.status
            do {
                answer = try SOAPEnvelope.answer(response.body)
                unreadable = nil
            } catch {
                answer = nil
                unreadable = error
            }
            if let answer, Self.sessionLost(answer) {
                return HTTPResponse(status: 401, headers: [], body: [])
            }
            return response
        }
        if let answer, Self.sessionLost(answer) {
            throw errors.fault(SOAPFault(type: "NotAuthenticated", message: "the session was refused even after a fresh login"),
                               call: described)
        }
        switch answer {
        case .fault(let fault)?:
            throw errors.fault(fault, call: described, httpStatus: status)
        case .returned(let values)? where (200..<300).contains(response.status):
            return values
        default:
            if !(200..<300).contains(response.status) { throw errors.status(response, call: described) }
            throw errors.invalid(response.body, expected: "a SOAP answer", call: described,
                                 detail: unreadable.map { "\($0)" })
        }
    }

    /// Whether the answer says the session is gone: a `NotAuthenticated` fault, or (the
    /// simulator's way for property reads) `NotAuthenticated` in a `missingSet`.
    private static func sessionLost(_ answer: SOAPEnvelope.Answer) -> Bool {
        switch answer {
        case .fault(let fault): return fault.isNotAuthenticated
        case .returned(let values):
            for value in values {
                for object in value.children("objects") + (value.name == "returnval" ? [value] : []) {
                    for missing in object.children("missingSet") {
                        if let error = missing.child("fault"), SOAPFault(localized: error).isNotAuthenticated {
                            return true
                        }
                    }
                }
            }
            return false
        }
    }

    private func post(_ body: [UInt8], cookie: VSphereCookie?, timeout: Duration? = nil) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "text/xml; charset=utf-8"),
            ("SOAPAction", "\"\(SOAPEnvelope.namespace)/\(SOAPEnvelope.apiVersion)\""),
        ]
        if let cookie { headers.append(("Cookie", cookie.header)) }
        let request = HTTPRequest(method: "POST", url: endpoints.apiURL, headers: headers, body: body, timeout: timeout)
        return try await client.execute(request, errors: errors.shared)
    }

    // MARK: - Service content and login

    /// The service content, read once (it needs no session).
    func serviceContent() async throws -> VSphereServiceContent {
        if let cached = content.value { return cached }
        let this = ManagedObjectReference("ServiceInstance", "ServiceInstance")
        let call = "RetrieveServiceContent on \(this)"
        let response = try await post(SOAPEnvelope.request("RetrieveServiceContent", this: this, arguments: []), cookie: nil)
        let answer: SOAPEnvelope.Answer
        do {
            answer = try SOAPEnvelope.answer(response.body)
        } catch {
            if !(200..<300).contains(response.status) { throw errors.status(response, call: call) }
            throw errors.invalid(response.body, expected: "a SOAP answer", call: call, detail: "\(error)")
        }
        switch answer {
        case .fault(let fault):
            throw errors.fault(fault, call: call, httpStatus: response.status)
        case .returned(let values):
            guard let value = values.first, let root = ManagedObjectReference(value.child("rootFolder")),
                  let collector = ManagedObjectReference(value.child("propertyCollector")),
                  let views = ManagedObjectReference(value.child("viewManager")),
                  let sessions = ManagedObjectReference(value.child("sessionManager"))
            else {
                throw errors.invalid(response.body, expected: "a service content with rootFolder, propertyCollector, "
                                     + "viewManager and sessionManager", call: call)
            }
            let about = value.child("about")
            let made = VSphereServiceContent(
                rootFolder: root, propertyCollector: collector, viewManager: views, sessionManager: sessions,
                customizationSpecManager: ManagedObjectReference(value.child("customizationSpecManager")),
                fullName: about?.text(of: "fullName"), version: about?.text(of: "version"),
                apiType: about?.text(of: "apiType"))
            content.value = made
            return made
        }
    }

    /// `SessionManager.Login`; returns the session cookie.
    /// - Throws: ``BackendError`` `unauthorized` naming the user for `InvalidLogin`.
    func login() async throws -> VSphereCookie {
        let sessions = try await serviceContent().sessionManager
        let call = "Login on \(sessions)"
        let body = SOAPEnvelope.request("Login", this: sessions, arguments: [
            SOAPNode("userName", text: username), SOAPNode("password", text: password.value),
        ])
        let response = try await post(body, cookie: nil)
        let answer = try? SOAPEnvelope.answer(response.body)
        if case .fault(let fault)? = answer {
            var error = errors.fault(fault, call: call, httpStatus: response.status)
            if fault.type == "InvalidLogin" {
                error.message = "login as \(username) failed: the vCenter rejected the user name or password (InvalidLogin)"
            }
            logger.debug("vCenter login failed", metadata: ["backend.name": "\(engine)", "user": "\(username)"])
            throw error
        }
        guard (200..<300).contains(response.status), case .returned? = answer else {
            if !(200..<300).contains(response.status) { throw errors.status(response, call: call) }
            throw errors.invalid([], expected: "a Login answer", call: call)
        }
        guard let cookie = Self.sessionCookie(response) else {
            throw errors.invalid([], expected: "a vmware_soap_session cookie in the Login answer", call: call)
        }
        logger.debug("Logged in to vCenter", metadata: ["backend.name": "\(engine)", "user": "\(username)"])
        return VSphereCookie(header: cookie)
    }

    /// `vmware_soap_session="…"` from the answer's `Set-Cookie`, as a `Cookie` header value.
    static func sessionCookie(_ response: HTTPResponse) -> String? {
        for header in response.headers where header.name.lowercased() == "set-cookie" {
            let pair = header.value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            if pair.trimmingWhitespace().hasPrefix("vmware_soap_session=") { return pair.trimmingWhitespace() }
        }
        return nil
    }

    /// Logs out (best effort) and forgets the session.
    func close() async {
        guard let cookie = logins.take(), let content = content.value else { return }
        let body = SOAPEnvelope.request("Logout", this: content.sessionManager, arguments: [])
        _ = try? await post(body, cookie: cookie, timeout: .seconds(5))
    }
}

/// The service content once read; it never changes for a vCenter.
private final class ServiceContentCache: Sendable {
    private let stored = Mutex<VSphereServiceContent?>(nil)
    var value: VSphereServiceContent? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
