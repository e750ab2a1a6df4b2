import AggregatorCore
import Foundation
import Logging
import VCSimLauncher
import VSphereBackend

/// The demo's vCenters: VMware's own simulator, `vcsim` (govmomi's, built by `scripts/vcsim.sh`), run as a
/// child process from the program `VCSIM_BIN` names, with its default inventory and a template `tmpl-linux`.
///
/// The demo runs without a vCenter when `VCSIM_BIN` is unset or names no program (see ``unavailable(in:)``).
/// The demo's `--latency-ms` does not reach it: our vcsim main has no such setting.
enum VSphereDemoEngine {
    /// The kind's name, as the vsphere backend registers it.
    static let kind = VSphereBackend.kind
    /// The environment variable naming the vcsim program.
    static let programVariable = "VCSIM_BIN"
    /// The template vcsim makes (a clone of its first cluster VM), which creates in the demo start from.
    static let template = "tmpl-linux"
    /// How long vcsim may take to say it serves. Defaults to 60 seconds.
    static let startTimeout: Duration = .seconds(60)

    /// Why the demo cannot run vcsim with this environment, or nil when it can.
    static func unavailable(in environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let path = environment[programVariable], !path.isEmpty else {
            return "\(programVariable) is not set; run scripts/vcsim.sh"
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return "\(programVariable)=\(path) is not an executable; run scripts/vcsim.sh"
        }
        return nil
    }

    static let start: DemoSimulator = { name, size, logger in
        if let reason = unavailable() {
            throw VCSimProcess.LaunchError(description: "no vCenter in the demo: \(reason)")
        }
        let program = ProcessInfo.processInfo.environment[programVariable]!
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vmagg-vcsim-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("vcsim-cert.pem").path
        let (username, password) = ("user", "pass")
        // vcsim puts `-vm` VMs in each resource pool: the cluster's and the standalone host's, so half each.
        let arguments = [
            "-l", "127.0.0.1:0", "-template", template, "-cert-out", certificate,
            "-host", "\(max(1, size.hosts))", "-vm", "\(max(1, size.vms / 2))",
            "-username", username, "-password", password,
        ]
        let child: VCSimProcess
        let url: String
        do {
            child = try await VCSimProcess.launch(executable: program, arguments: arguments)
            do {
                url = try await child.listeningURL(timeout: startTimeout)
            } catch {
                await child.stop()
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        logger.info("Started vcsim", metadata: ["backend.name": "\(name)", "vcsim.url": "\(url)"])
        let configuration = BackendConfiguration(
            name: name, kind: kind, url: url, username: username, password: Secret(password),
            caFile: certificate, connectTimeout: .seconds(2), requestTimeout: .seconds(20))
        return DemoEngine(name: name, kind: kind, apiURL: url, configuration: configuration, stop: {
            await child.stop()
            try? FileManager.default.removeItem(at: directory)
        })
    }
}
