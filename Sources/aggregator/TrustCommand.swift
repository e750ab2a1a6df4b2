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
            turning `insecure: true` off. Exactly the certificate whose fingerprint is shown is stored \
            (readable by this user only). An engine that serves several certificates (a bundle) is \
            refused with every fingerprint listed; choose one with --certificate N.
            """)

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The engine's name in the configuration file.")
    var engine: String

    @Flag(name: .shortAndLong, help: "Do not ask for confirmation.")
    var yes = false

    @Option(help: "When the engine serves several certificates, the one to trust (1 is the first listed).")
    var certificate: Int?

    func run() async throws {
        try await reportingConfigurationErrors {
            _ = options.makeLogger()
            let configuration = try options.loadConfiguration(resolveSecrets: false)
            guard let backend = configuration.backends.first(where: { $0.name == engine }) else {
                throw ValidationError(
                    "unknown engine '\(engine)'; configured: \(configuration.engineNames.joined(separator: ", "))")
            }
            guard let fetch = BackendKinds.registry().registration(for: backend.kind)?.fetchCACertificate else {
                throw ValidationError("engines of type \(backend.kind) have no CA download")
            }
            let pem: String
            do {
                pem = try await fetch(backend)
            } catch {
                FileHandle.standardError.write(Data("cannot fetch the CA certificate of \(engine): \(error)\n".utf8))
                throw ExitCode(1)
            }
            let der: [UInt8]
            switch Self.choose(CertificateTools.pemBlocks(pem), certificate: certificate, engine: engine) {
            case .success(let chosen):
                der = chosen
            case .failure(let refusal):
                FileHandle.standardError.write(Data(refusal.text.utf8))
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
            // Exactly the certificate whose fingerprint was shown, re-encoded from its DER bytes.
            let stored = CertificateTools.pem(der: der)
            try await NIOThreadPool.singleton.runIfActive {
                try PrivateFile.makeDirectory("\(dataDirectory)/ca")
                try PrivateFile.write(Data(stored.utf8), to: target)
                let text = try String(contentsOfFile: configPath, encoding: .utf8)
                let edited = try ConfigurationEditor.settingCAFile(
                    in: text, file: configPath, engine: engine,
                    caFile: ConfigurationEditor.relativePath(target, toConfig: configPath))
                // The configuration keeps its own permissions.
                try PrivateFile.write(Data(edited.utf8), to: configPath, mode: PrivateFile.mode(of: configPath) ?? 0o600)
            }
            print("Stored \(target) and set ca_file for \(engine) in \(configPath).")
        }
    }

    /// Why nothing is trusted: printed to standard error.
    struct Refusal: Error {
        var text: String
    }

    /// The one certificate to trust among those the engine served.
    ///
    /// One certificate is taken as is. Several (a bundle) are refused unless `certificate` picks
    /// one: trusting a bundle would trust every certificate in it while the operator compared
    /// only one fingerprint.
    static func choose(_ blocks: [[UInt8]], certificate: Int?, engine: String) -> Result<[UInt8], Refusal> {
        guard !blocks.isEmpty else {
            return .failure(Refusal(text: "\(engine) did not return a PEM certificate\n"))
        }
        if let certificate {
            guard (1...blocks.count).contains(certificate) else {
                return .failure(Refusal(text: "--certificate \(certificate): \(engine) served "
                    + "\(blocks.count) certificate\(blocks.count == 1 ? "" : "s"); choose 1 to \(blocks.count)\n"))
            }
            return .success(blocks[certificate - 1])
        }
        guard blocks.count == 1 else {
            var text = "\(engine) served \(blocks.count) certificates (a bundle); nothing was trusted.\n"
                + "Trusting the bundle would trust every certificate in it, but only one fingerprint can be "
                + "compared with the engine's CA. Its certificates:\n"
            for (index, der) in blocks.enumerated() {
                text += "  \(index + 1). SHA-256 fingerprint: \(CertificateTools.sha256Fingerprint(der: der))\n"
            }
            text += "Compare them with the engine's CA (on the engine: openssl x509 -in /etc/pki/ovirt-engine/ca.pem "
                + "-noout -fingerprint -sha256) and run again with --certificate N.\n"
            return .failure(Refusal(text: text))
        }
        return .success(blocks[0])
    }
}
