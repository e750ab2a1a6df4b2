import AggregatorCore
import Logging
import Testing

@testable import ProxmoxBackend

@Suite("Proxmox: configuration entries")
struct ConfigurationTests {
    private func make(username: String? = "root@pam", url: String = "https://pve1.example:8006/api2/json",
                      password: String? = "x", options: String? = nil) throws -> ProxmoxBackend {
        var configuration = BackendConfiguration(name: "lab", kind: ProxmoxBackend.kind, url: url,
                                                 password: password.map(Secret.init))
        if let username { configuration.username = username }
        if let options {
            let document = try YAMLParser.parse(options, file: "test.yaml")
            configuration.options = document
        }
        return try ProxmoxBackend(configuration: configuration, logger: Logger(label: "t"))
    }

    @Test("user names: a password user, a token id, and what is refused")
    func credentials() throws {
        guard case .success(.password(let user, _)) = ProxmoxCredentials.make(username: "root@pam", secret: Secret("x"))
        else { Issue.record("root@pam is a password user"); return }
        #expect(user == "root@pam")
        guard case .success(.apiToken(let id, _)) = ProxmoxCredentials.make(username: "ci@pve!build", secret: Secret("x"))
        else { Issue.record("ci@pve!build is a token"); return }
        #expect(id == "ci@pve!build")
        for bad in ["root", "root!token", "ci@pve!", "ci@pve!a!b"] {
            guard case .failure = ProxmoxCredentials.make(username: bad, secret: Secret("x")) else {
                Issue.record("\(bad) was accepted")
                continue
            }
        }
    }

    @Test("entries that cannot work are refused at start, naming the engine")
    func refused() throws {
        #expect(throws: ConfigurationError.self) { try make(password: nil) }
        #expect(throws: ConfigurationError.self) { try make(url: "ftp://pve1/api2/json") }
        #expect(throws: ConfigurationError.self) { try make(username: "root") }
    }

    @Test("options: every key, and clear errors for unknown keys and bad values")
    func options() throws {
        let backend = try make(options: "task_poll_interval: 250ms\ntask_timeout: 5m\nagent_timeout: 2s\nagent_concurrency: 0\nagent_retry_after: 1m\nnextid_retries: 5\n")
        #expect(backend.options.taskPollInterval == .milliseconds(250))
        #expect(backend.options.taskTimeout == .seconds(300))
        #expect(backend.options.agentConcurrency == 0)
        #expect(backend.options.agentRetryAfter == .seconds(60))
        #expect(backend.options.nextIDRetries == 5)
        let unknown = #expect(throws: ConfigurationError.self) { try make(options: "poll_interval: 2s\n") }
        #expect(unknown?.message.contains("unknown option 'poll_interval' for a proxmox engine") == true)
        #expect(unknown?.keyPath == "options.poll_interval")
        let bad = #expect(throws: ConfigurationError.self) { try make(options: "agent_concurrency: lots\n") }
        #expect(bad?.message.contains("whole number") == true)
    }

    @Test("the kind registers with its defaults")
    func registration() throws {
        var registry = BackendRegistry()
        ProxmoxBackend.register(in: &registry)
        #expect(registry.kinds == [ProxmoxBackend.kind])
        let file = AggregatorConfiguration(file: nil, backends: [
            BackendConfiguration(name: "lab", kind: "proxmox", url: "https://pve1:8006/api2/json", password: Secret("x")),
        ])
        let backends = try registry.makeBackends(for: file, logger: Logger(label: "t"))
        #expect(backends.first?.capabilities.names == ["list_vms", "list_hosts", "list_clusters", "create_vm", "power_vms", "delete_vms"])
    }
}
