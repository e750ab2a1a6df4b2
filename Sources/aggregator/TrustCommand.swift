import AggregatorCore
import ArgumentParser
import EngineHTTP
import Foundation
import NIOPosix

/// `aggregator trust ENGINE`: fetch an engine's own CA certificate and point `ca_file` at it.
struct TrustCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "Fetch an engine's CA certificate, show its fingerprint and, once confirmed, trust it.",
        discussion: """
            Engines usually serve a certificate signed by their own CA. This downloads that CA from the \
            engine (without verifying TLS: compare the fingerprint with the one on the engine, \
            `openssl x509 -in /etc/pki/ovirt-engine/ca.pem -noout -fingerprint -sha256`), stores it under \
            DATA_DIR/ca/ENGINE.pem and sets `ca_file` for the engine in the configuration file, \
            turning `insecure: true` off.
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The engine's name in the configuration file.")
    var engine: String

    @Flag(name: .shortAndLong, help: "Do not ask for confirmation.")
    var yes = false

    func run() async throws {
        try await reportingConfigurationErrors {
            _ = options.makeLogger()
            let configuration = try options.loadConfiguration(resolveSecrets: false)
            guard let backend = configuration.backends.first(where: { $0.name == engine }) else {
                throw ValidationError(
                    "unknown engine '\(engine)'; configured: \(configuration.engineNames.joined(separator: ", "))")
            }
            guard let fetch = BackendKinds.caFetcher(for: backend.kind) else {
                throw ValidationError("engines of type \(backend.kind) have no CA download")
            }
            let pem: String
            do {
                pem = try await fetch(backend)
            } catch {
                FileHandle.standardError.write(Data("cannot fetch the CA certificate of \(engine): \(error)\n".utf8))
                throw ExitCode(1)
            }
            guard let der = CertificateTools.pemBlocks(pem).first else {
                FileHandle.standardError.write(Data("\(engine) did not return a PEM certificate\n".utf8))
                throw ExitCode(1)
            }
            FileHandle.standardOutput.write(Data("""
                CA certificate of \(engine) (\(backend.url))
                  SHA-256 fingerprint: \(CertificateTools.sha256Fingerprint(der: der))

                """.utf8))

            if !yes {
                FileHandle.standardOutput.write(Data("Trust this certificate? [y/N] ".utf8))
                let answer = try await NIOThreadPool.singleton.runIfActive { readLine() ?? "" }
                guard ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    print("Not trusted; nothing changed.")
                    throw ExitCode(1)
                }
            }

            let configPath = options.config
            let dataDirectory = configuration.dataDirectory
            let target = "\(dataDirectory)/ca/\(engine).pem"
            try await NIOThreadPool.singleton.runIfActive {
                try FileManager.default.createDirectory(
                    atPath: "\(dataDirectory)/ca", withIntermediateDirectories: true)
                try AtomicFile.write(Data(pem.utf8), to: target)
                let text = try String(contentsOfFile: configPath, encoding: .utf8)
                let edited = try ConfigurationEditor.settingCAFile(
                    in: text, file: configPath, engine: engine,
                    caFile: ConfigurationEditor.relativePath(target, toConfig: configPath))
                try AtomicFile.write(Data(edited.utf8), to: configPath)
            }
            print("Stored \(target) and set ca_file for \(engine) in \(configPath).")
        }
    }
}
