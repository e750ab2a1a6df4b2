import Foundation
import Testing

@testable import AggregatorCore

@Suite struct ConfigurationLoaderTests {
    let loader = ConfigurationLoader(knownKinds: ["ovirt", "proxmox"], defaultUsernames: ["ovirt": "admin@internal"])

    func errors(_ yaml: String) -> [ConfigurationError] {
        do {
            _ = try loader.parse(yaml, file: "backends.yaml")
            return []
        } catch let error as ConfigurationErrors {
            return error.errors
        } catch let error as ConfigurationError {
            return [error]
        } catch {
            Issue.record("unexpected error type: \(error)")
            return []
        }
    }

    @Test func validFileWithDefaults() throws {
        let config = try loader.parse("""
            server:
              port: 7000
            defaults:
              password_env: OVIRT_PASSWORD
              request_timeout: 30s
            backends:
              - name: e15-test
                type: ovirt
                url: https://e15.example/ovirt-engine/api
                tags: [e15, test]
              - name: k45
                type: ovirt
                url: https://k45.example/ovirt-engine/api
                username: ops@internal
                password_env: K45_PASSWORD
                connect_timeout: 500ms
                insecure: true
            """, file: "backends.yaml")
        #expect(config.server.port == 7000)
        #expect(config.engineNames == ["e15-test", "k45"])
        #expect(config.backends[0].username == "admin@internal")
        #expect(config.backends[0].passwordSource == .environment("OVIRT_PASSWORD"))
        #expect(config.backends[0].requestTimeout == .seconds(30))
        #expect(config.backends[0].tags == ["e15", "test"])
        #expect(config.backends[1].username == "ops@internal")
        #expect(config.backends[1].passwordSource == .environment("K45_PASSWORD"))
        #expect(config.backends[1].connectTimeout == .milliseconds(500))
        #expect(config.backends[1].insecure)
        #expect(config.backends[1].location?.line == 11)
    }

    @Test func unknownTypeNamesLineAndKnownKinds() throws {
        let found = errors("""
            backends:
              - name: a
                type: ovirt
                url: https://a.example/ovirt-engine/api
                password_env: P
              - name: b
                type: vmware
                url: https://b.example/
                password_env: P
            """)
        let error = try #require(found.first)
        #expect(found.count == 1)
        #expect(error.location?.line == 7)
        #expect(error.location?.column == 11)
        #expect(error.keyPath == "backends[1].type")
        #expect(error.description.contains("unknown backend type 'vmware'"))
        #expect(error.description.contains("ovirt, proxmox"))
        #expect(error.description.hasPrefix("backends.yaml:7:11: backends[1].type:"))
    }

    @Test func everySemanticProblemIsReportedAtOnce() {
        let found = errors("""
            backends:
              - name: e15
                type: ovirt
                url: ftp://e15.example/
                password_env: P
              - name: e15
                type: ovirt
                url: not a url
                password_env: P
            """)
        let paths = Set(found.compactMap(\.keyPath))
        #expect(paths.contains("backends[0].url"))
        #expect(paths.contains("backends[1].name"))
        #expect(paths.contains("backends[1].url"))
        #expect(found.first { $0.keyPath == "backends[1].name" }?.message.contains("duplicate") == true)
    }

    @Test(arguments: [
        ("backends:\n  - name: a\n    type: ovirt\n", "backends[0].url", "is required", 2),
        ("backends:\n  - name: a\n    type: ovirt\n    url: https://a/\n    pasword_env: X\n",
         "backends[0].pasword_env", "did you mean 'password_env'", 5),
        ("backends:\n  - name: a\n    type: ovirt\n    url: https://a/\n    password: secret\n",
         "backends[0].password", "never written in the configuration file", 5),
        ("backends:\n  - name: a\n    type: ovirt\n    url: https://a/\n    insecure: maybe\n",
         "backends[0].insecure", "must be true or false", 5),
        ("backends:\n  - name: a\n    type: ovirt\n    url: https://a/\n    request_timeout: soon\n",
         "backends[0].request_timeout", "must be a duration", 5),
        ("server:\n  port: 70000\nbackends:\n  - name: a\n    type: ovirt\n    url: https://a/\n    password_env: P\n",
         "server.port", "between 1 and 65535", 2),
        ("backends: {}\n", "backends", "must be a list", 1),
        ("backends:\n  - name: 'bad name!'\n    type: ovirt\n    url: https://a/\n    password_env: P\n",
         "backends[0].name", "not a valid engine name", 2),
    ])
    func locatedErrors(yaml: String, keyPath: String, message: String, line: Int) throws {
        let found = errors(yaml)
        let error = try #require(found.first { $0.keyPath == keyPath }, "no error at \(keyPath): \(found)")
        #expect(error.description.contains(message), "\(error)")
        #expect(error.location?.line == line, "\(error)")
        #expect(error.description.hasPrefix("backends.yaml:\(line):"))
    }

    /// `cache_ttl` went with the per-request fan-out: an old file still loads, with a located
    /// warning that says what to do, whatever value it had.
    @Test func anOldCacheTTLIsAWarningNotAFailure() throws {
        let base = "backends:\n  - name: a\n    type: ovirt\n    url: https://a/\n    password_env: P\n"
        for value in ["30s", "0", "later"] {
            let configuration = try loader.parse("server:\n  cache_ttl: \(value)\n" + base, file: "b.yaml")
            #expect(configuration.warnings.count == 1)
            let warning = try #require(configuration.warnings.first)
            #expect(warning.keyPath == "server.cache_ttl")
            #expect(warning.description.hasPrefix("b.yaml:2:"), "\(warning)")
            #expect(warning.description.contains("fix: remove the line"), "\(warning)")
        }
        #expect(try loader.parse(base, file: "b.yaml").warnings.isEmpty)
    }

    @Test func yamlSyntaxErrorHasLineAndColumn() throws {
        let found = errors("backends:\n  - name: a\n   type: [ovirt\n")
        let error = try #require(found.first)
        #expect(error.location != nil)
        #expect(error.message.contains("invalid YAML"))
    }

    @Test func emptyFileAndNoBackends() {
        #expect(errors("")[0].message.contains("empty"))
        #expect(errors("server:\n  port: 6299\n")[0].message.contains("no engines"))
    }

    @Test func missingSecretsAreReportedPerEngineWithoutValues() throws {
        let config = try loader.parse("""
            backends:
              - name: a
                type: ovirt
                url: https://a/
                password_env: A_PASSWORD
              - name: b
                type: ovirt
                url: https://b/
                password_file: /nonexistent/b.secret
              - name: c
                type: ovirt
                url: https://c/
            """, file: "backends.yaml")
        #expect(throws: ConfigurationErrors.self) { try config.resolvingSecrets(environment: [:]) }
        do {
            _ = try config.resolvingSecrets(environment: [:])
        } catch let error as ConfigurationErrors {
            #expect(error.errors.count == 3)
            #expect(error.errors[0].description.contains("A_PASSWORD"))
            #expect(error.errors[1].description.contains("/nonexistent/b.secret"))
            #expect(error.errors[2].description.contains("no password source"))
        }
        let resolved = try loader.parse("""
            backends:
              - name: a
                type: ovirt
                url: https://a/
                password_env: A_PASSWORD
            """, file: "x.yaml").resolvingSecrets(environment: ["A_PASSWORD": "s3cret"])
        #expect(resolved.backends[0].password?.value == "s3cret")
        #expect("\(resolved.backends[0].password!)" == "<redacted>")
        #expect(!"\(resolved.backends[0])".contains("s3cret"))
    }

    @Test func passwordFileIsReadRelativeToTheConfigFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "pw-from-file\n".write(to: directory.appendingPathComponent("secret"), atomically: true, encoding: .utf8)
        try """
            backends:
              - name: a
                type: ovirt
                url: https://a/
                password_file: secret
            """.write(to: directory.appendingPathComponent("backends.yaml"), atomically: true, encoding: .utf8)
        let config = try loader.load(path: directory.appendingPathComponent("backends.yaml").path)
            .resolvingSecrets(environment: [:])
        #expect(config.backends[0].password?.value == "pw-from-file")
    }

    @Test func missingCAFileSuggestsTrust() {
        let found = errors("""
            backends:
              - name: e15
                type: ovirt
                url: https://e15/
                password_env: P
                ca_file: certs/missing.pem
            """)
        #expect(found.first?.keyPath == "backends[0].ca_file")
        #expect(found.first?.description.contains("aggregator trust e15") == true)
    }

    @Test func theShippedConfigurationDeclaresTheSixEngines() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../backends.yaml").standardized.path
        let config = try ConfigurationLoader(knownKinds: ["ovirt"]).load(path: path)
        #expect(config.engineNames == ["e15-test", "e15", "e15-2", "n32", "n32-2", "k45"])
        #expect(config.server.port == 6299)
        #expect(config.backends.allSatisfy { $0.passwordSource != nil })
    }
}
