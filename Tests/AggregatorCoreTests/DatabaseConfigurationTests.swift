import Foundation
import Testing

@testable import AggregatorCore

@Suite("Configuration: the job database, job leases, replicas and VM operations")
struct DatabaseConfigurationTests {
    let loader = ConfigurationLoader(knownKinds: ["ovirt"])

    private func file(_ extra: String) -> String {
        """
        data_dir: /var/lib/vmaggregator
        \(extra)
        defaults:
          password_env: OVIRT_PASSWORD
        backends:
          - name: e15
            type: ovirt
            url: https://e15.example/ovirt-engine/api
        """
    }

    private func problems(_ yaml: String) -> [String] {
        do {
            _ = try loader.parse(yaml, file: "backends.yaml")
            return []
        } catch let error as ConfigurationErrors {
            return error.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test("without the keys: the SQLite file in data_dir, a 30 s lease, deletes for admins")
    func defaults() throws {
        let configuration = try loader.parse(file(""), file: "backends.yaml")
        #expect(configuration.database.location(dataDirectory: configuration.dataDirectory)
            == .sqlite(path: "/var/lib/vmaggregator/jobs.sqlite"))
        #expect(configuration.database.lease == .seconds(30))
        #expect(configuration.operations.deleteRole == .admin)
        #expect(configuration.operations.maxBulk == 50)
    }

    @Test("a PostgreSQL URL with its password from the environment, which never prints")
    func postgres() throws {
        let yaml = file("""
            database:
              url: postgresql://vmagg@db.example:6432/jobs
              password_env: VMAGG_DB_PASSWORD
              tls: require
            jobs:
              lease: 10s
            server:
              replica_name: vmagg-2
            """)
        let configuration = try loader.parse(yaml, file: "backends.yaml")
            .resolvingSecrets(environment: ["OVIRT_PASSWORD": "x", "VMAGG_DB_PASSWORD": "s3cret"])
        guard case .postgresql(let server) = configuration.database.url else {
            Issue.record("not a PostgreSQL URL: \(String(describing: configuration.database.url))")
            return
        }
        #expect(server.host == "db.example" && server.port == 6432 && server.database == "jobs")
        #expect(server.password?.value == "s3cret")
        #expect(!"\(configuration.database.url!)".contains("s3cret"))
        #expect(configuration.database.tls == .require)
        #expect(configuration.database.lease == .seconds(10))
        #expect(configuration.database.replicaName == "vmagg-2")
    }

    @Test("AGGREGATOR_DATABASE_URL overrides database.url")
    func environmentOverride() throws {
        let configuration = try loader.parse(file("database:\n  url: sqlite:jobs.sqlite"), file: "backends.yaml")
            .resolvingSecrets(environment: ["OVIRT_PASSWORD": "x",
                                            "AGGREGATOR_DATABASE_URL": "postgresql://vmagg:pw@127.0.0.1/vmagg"])
        guard case .postgresql(let server) = configuration.database.url else {
            Issue.record("the variable did not override the file")
            return
        }
        #expect(server.password?.value == "pw" && server.port == 5432)
    }

    @Test("a missing password variable is named with its fix")
    func missingPassword() throws {
        let yaml = file("database:\n  url: postgresql://vmagg@db.example/vmagg\n  password_env: VMAGG_DB_PASSWORD")
        #expect {
            try loader.parse(yaml, file: "backends.yaml").resolvingSecrets(environment: ["OVIRT_PASSWORD": "x"])
        } throws: { error in
            "\(error)".contains("database.password_env") && "\(error)".contains("VMAGG_DB_PASSWORD")
        }
    }

    @Test("a command that never opens the job database needs no database password")
    func withoutTheDatabase() throws {
        let yaml = file("database:\n  url: postgresql://vmagg@db.example/vmagg\n  password_env: VMAGG_DB_PASSWORD")
        let configuration = try loader.parse(yaml, file: "backends.yaml")
            .resolvingSecrets(environment: ["OVIRT_PASSWORD": "x"], database: false)
        #expect(configuration.backends.first?.password?.value == "x")
    }

    @Test("bad values are located, each with its fix")
    func badValues() {
        let found = problems(file("""
            database:
              url: mysql://db/vmagg
              tls: maybe
            jobs:
              lease: 500ms
            operations:
              delete_role: reader
              max_bulk: 900
            server:
              replica_name: "two words"
            """))
        #expect(found.contains { $0.hasPrefix("backends.yaml:3:8: database.url:") && $0.contains("postgresql://") })
        #expect(found.contains { $0.hasPrefix("backends.yaml:4:8: database.tls:") })
        #expect(found.contains { $0.hasPrefix("backends.yaml:6:10: jobs.lease:") && $0.contains("30s") })
        #expect(found.contains { $0.contains("operations.delete_role:") && $0.contains("operator or admin") })
        #expect(found.contains { $0.contains("operations.max_bulk:") && $0.contains("bulk_ceiling") })
        #expect(found.contains { $0.contains("server.replica_name:") })
        #expect(found.count == 6, "\(found)")
    }

    @Test("a URL that names no database, user or host says which")
    func incompleteURLs() {
        for (url, part) in [("postgresql://db.example/vmagg", "no user"), ("postgresql://vmagg@db.example", "no database"),
                            ("sqlite:", "no file")] {
            #expect(throws: DatabaseURL.ParseError.self) { try DatabaseURL.parse(url) }
            #expect((try? DatabaseURL.parse(url)) == nil)
            do {
                _ = try DatabaseURL.parse(url)
            } catch {
                #expect(error.message.contains(part), "\(url): \(error.message)")
            }
        }
    }
}
