import AggregatorCore
import Foundation
import VCSimLauncher

/// One vcsim for a test: VMware's vCenter simulator from `VCSIM_BIN` (built by `scripts/vcsim.sh`)
/// on a free loopback port, with the template `tmpl-linux` and its certificate in a file.
final class VCSimEngine: Sendable {
    /// The program, from the environment; nil when the tests run without one (they are then disabled).
    static let program: String? = {
        guard let path = ProcessInfo.processInfo.environment["VCSIM_BIN"], !path.isEmpty,
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }()
    /// Why the vcsim tests do not run here, for the test report.
    static let missing = "VCSIM_BIN names no vcsim program; build it with scripts/vcsim.sh"

    static let username = "user"
    static let template = "tmpl-linux"

    let name: String
    let url: String
    let caFile: String
    let password: String
    private let process: VCSimProcess
    private let directory: URL

    /// The admin side of this vcsim (its own SOAP requests, the main's admin route).
    var admin: VCSimAdmin { VCSimAdmin(url: url, caFile: caFile, username: Self.username, password: password) }

    private init(name: String, url: String, caFile: String, password: String, process: VCSimProcess, directory: URL) {
        self.name = name
        self.url = url
        self.caFile = caFile
        self.password = password
        self.process = process
        self.directory = directory
    }

    /// Starts a vCenter with one datacenter, one cluster of `hosts` hosts holding `vms` VMs (and
    /// the template), no standalone host; `delay` slows every SOAP call.
    static func start(name: String, vms: Int = 4, hosts: Int = 2, delay: Duration = .zero,
                      password: String = "pass-\(UInt32.random(in: 100_000...UInt32.max))") async throws -> VCSimEngine {
        guard let program else { throw VCSimProcess.LaunchError(description: missing) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vmagg-vcsim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let caFile = directory.appendingPathComponent("ca.pem").path
        let milliseconds = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        let process = try await VCSimProcess.launch(executable: program, arguments: [
            "-l", "127.0.0.1:0", "-template", template, "-cert-out", caFile, "-standalone-host", "0",
            "-cluster", "1", "-host", "\(hosts)", "-vm", "\(vms)", "-username", username, "-password", password,
            "-delay", "\(milliseconds)",
        ])
        do {
            let url = try await process.listeningURL(timeout: .seconds(60))
            return VCSimEngine(name: name, url: url, caFile: caFile, password: password, process: process,
                               directory: directory)
        } catch {
            await process.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// A configuration entry reaching this vCenter; `password` nil gives the right one.
    func configuration(password: String? = nil, options: String = "task_poll_interval: 20ms\n") -> BackendConfiguration {
        BackendConfiguration(name: name, kind: "vsphere", url: url, username: Self.username,
                             password: Secret(password ?? self.password), caFile: caFile,
                             connectTimeout: .seconds(5), requestTimeout: .seconds(20),
                             options: try? YAMLParser.parse(options, file: "test"))
    }

    func stop() async {
        await process.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
