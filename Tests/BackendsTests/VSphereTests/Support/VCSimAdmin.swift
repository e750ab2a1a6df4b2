import EngineHTTP
import Foundation

/// Acts on a vcsim as an operator would in the vSphere Client, for the tests: its own SOAP
/// requests (written here, sharing nothing with the backend under test) and the main's admin route.
struct VCSimAdmin: Sendable {
    let url: String
    let caFile: String
    let username: String
    let password: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `body` (the inside of `soapenv:Body`) with `cookie`; returns the answer's text and cookie.
    private func soap(_ body: String, cookie: String?) async throws -> (text: String, cookie: String?) {
        var configuration = HTTPClientConfiguration()
        configuration.caFile = caFile
        let envelope = """
            <?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope \
            xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>\(body)</soapenv:Body></soapenv:Envelope>
            """
        var headers: [(name: String, value: String)] = [("Content-Type", "text/xml"), ("SOAPAction", "urn:vim25/6.5")]
        if let cookie { headers.append(("Cookie", cookie)) }
        let response = try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            try await client.execute(HTTPRequest(method: "POST", url: url, headers: headers, body: Array(envelope.utf8)))
        }
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200 else { throw Failure(description: "vcsim answered \(response.status): \(text)") }
        let setCookie = response.headers.first { $0.name.lowercased() == "set-cookie" }?.value
        return (text, setCookie.map { String($0.split(separator: ";")[0]) })
    }

    /// Logs in and returns the session cookie.
    func login() async throws -> String {
        let answer = try await soap("""
            <Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this>\
            <userName>\(username)</userName><password>\(password)</password></Login>
            """, cookie: nil)
        guard let cookie = answer.cookie else { throw Failure(description: "no session cookie in: \(answer.text)") }
        return cookie
    }

    /// Powers VM `id` on or off and waits until the vCenter reports the new state.
    func setPower(_ id: String, on: Bool) async throws {
        let cookie = try await login()
        let method = on ? "PowerOnVM_Task" : "PowerOffVM_Task"
        let answer = try await soap("<\(method) xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">\(id)</_this></\(method)>",
                                    cookie: cookie)
        guard let task = Self.between(answer.text, "<returnval type=\"Task\">", "</returnval>") else {
            throw Failure(description: "\(method) started no task: \(answer.text)")
        }
        try await waitForTask(task, method: method, cookie: cookie)
    }

    /// Waits on the vCenter for `task` to end, as pyvmomi's `WaitForTask` does: a property filter
    /// on its `info.state` and `WaitForUpdatesEx`, which answers when the state changes.
    private func waitForTask(_ task: String, method: String, cookie: String) async throws {
        let filter = try await soap("""
            <CreateFilter xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>\
            <spec><propSet><type>Task</type><pathSet>info.state</pathSet></propSet>\
            <objectSet><obj type="Task">\(task)</obj></objectSet></spec><partialUpdates>false</partialUpdates></CreateFilter>
            """, cookie: cookie)
        guard let filterID = Self.between(filter.text, "<returnval type=\"PropertyFilter\">", "</returnval>") else {
            throw Failure(description: "CreateFilter made no filter: \(filter.text)")
        }
        let outcome: Result<Void, any Error>
        do {
            try await waitForUpdates(method: method, cookie: cookie)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        _ = try? await soap("""
            <DestroyPropertyFilter xmlns="urn:vim25"><_this type="PropertyFilter">\(filterID)</_this></DestroyPropertyFilter>
            """, cookie: cookie)
        try outcome.get()
    }

    /// Reads the session's filters' updates until the task's state is final.
    private func waitForUpdates(method: String, cookie: String) async throws {
        var version = ""
        while true {
            let update = try await soap("""
                <WaitForUpdatesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>\
                <version>\(version)</version><options><maxWaitSeconds>60</maxWaitSeconds></options></WaitForUpdatesEx>
                """, cookie: cookie)
            if update.text.contains(">success<") { return }
            if update.text.contains(">error<") { throw Failure(description: "\(method) failed: \(update.text)") }
            version = Self.between(update.text, "<version>", "</version>") ?? version
        }
    }

    /// Terminates every session but a fresh one of its own (as an administrator does in the
    /// vSphere Client's Sessions view), so the backend's session expires.
    func terminateOtherSessions() async throws {
        let cookie = try await login()
        let list = try await soap("""
            <RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>\
            <specSet><propSet><type>SessionManager</type><pathSet>sessionList</pathSet>\
            <pathSet>currentSession</pathSet></propSet>\
            <objectSet><obj type="SessionManager">SessionManager</obj></objectSet></specSet><options/></RetrievePropertiesEx>
            """, cookie: cookie)
        let current = list.text.components(separatedBy: "<name>currentSession</name>").last ?? ""
        let mine = Self.between(current, "<key>", "</key>")
        let keys = list.text.components(separatedBy: "<UserSession><key>").dropFirst()
            .compactMap { $0.components(separatedBy: "</key>").first }.filter { $0 != mine }
        guard !keys.isEmpty else { throw Failure(description: "no other session to terminate: \(list.text)") }
        _ = try await soap("""
            <TerminateSession xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this>\
            \(keys.map { "<sessionId>\($0)</sessionId>" }.joined())</TerminateSession>
            """, cookie: cookie)
    }

    /// Disables `Destroy_Task` on VM `id` (what a backup product does with DisableMethods).
    func disableDestroy(_ id: String) async throws {
        var configuration = HTTPClientConfiguration()
        configuration.caFile = caFile
        let origin = url.replacingOccurrences(of: "/sdk", with: "")
        let response = try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            try await client.execute(HTTPRequest(
                method: "POST", url: "\(origin)/vcsim-admin/disabled-method?ref=\(id)&method=Destroy_Task&disabled=true"))
        }
        guard response.status == 204 else { throw Failure(description: "disabling Destroy_Task answered \(response.status)") }
    }

    static func between(_ text: String, _ start: String, _ end: String) -> String? {
        guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else {
            return nil
        }
        return String(text[from.upperBound..<to.lowerBound])
    }
}
