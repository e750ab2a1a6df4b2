import Foundation
import NIOCore
import NIOSSL

/// A simulator's server certificate and key, read from PEM files.
public struct SimulatorTLS: Sendable {
    /// The certificate file's text (a self-signed certificate is its own CA,
    /// which oVirt's `pki-resource` serves).
    public var certificatePEM: String
    /// The server side TLS configuration.
    public var configuration: TLSConfiguration

    /// Reads the certificate (chain) and key; nil when either path is nil
    /// (the simulator serves plain HTTP).
    ///
    /// A client holding an idle connection rarely answers `close_notify`, so
    /// the configuration waits 250 ms for it at shutdown rather than NIOSSL's 5 s.
    ///
    /// - Throws: When a file cannot be read or is not PEM.
    public init?(certificatePath: String?, keyPath: String?) throws {
        guard let certificatePath, let keyPath else { return nil }
        certificatePEM = try String(contentsOfFile: certificatePath, encoding: .utf8)
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.shutdownTimeout = .milliseconds(250)
    }
}
