import AggregatorCore
import Foundation
import Logging
import NIOPosix
import Server

/// Decides how `serve` and `demo` guard the API: refuses an unauthenticated listener on a
/// non-loopback address unless told `--insecure-no-auth`, and loads the single sign-on keys.
enum ListenerAccess {
    /// The access checks for `auth` on a listener at `host`.
    /// - Throws: ``ConfigurationFailure`` (exit status 78) for an unauthenticated non-loopback
    ///   listener without `insecureNoAuth`, or an unreadable JWKS file.
    static func make(_ auth: AuthConfiguration, host: String, insecureNoAuth: Bool, logger: Logger) async throws
        -> AccessControl
    {
        let loopback = LoopbackAddress.contains(host)
        guard auth.requiresAuthentication else {
            if !loopback {
                guard insecureNoAuth else {
                    throw ConfigurationFailure(lines: [
                        "refusing to listen on \(host) without authentication: it is not a loopback address, "
                            + "so anyone who reaches the port could list engines and create VMs "
                            + "(fix: declare auth.tokens in the configuration ('aggregator token new NAME --role R' "
                            + "prints the lines) or auth.jwt, listen on 127.0.0.1, or pass --insecure-no-auth)",
                    ])
                }
                logger.warning("Serving without authentication on a non-loopback address", metadata: [
                    "http.host": "\(host)", "fix": "declare auth.tokens or auth.jwt in the configuration",
                ])
            }
            return AccessControl(auth: auth, loopbackHostsOnly: loopback)
        }
        var verifier: JWTBearerVerifier?
        if let jwt = auth.jwt {
            let text: String
            do {
                // A file read blocks: not on the cooperative pool.
                text = try await NIOThreadPool.singleton.runIfActive {
                    try String(contentsOfFile: jwt.jwksFile, encoding: .utf8)
                }
            } catch {
                throw ConfigurationFailure(lines: [
                    "cannot read the JWKS file \(jwt.jwksFile) (fix: check auth.jwt.jwks_file)",
                ])
            }
            do {
                verifier = try await JWTBearerVerifier(settings: jwt, jwksJSON: text)
            } catch let error as ConfigurationError {
                throw ConfigurationFailure(lines: [error.description])
            }
        }
        logger.notice("Requests need a bearer token", metadata: [
            "auth.tokens": "\(auth.tokens.count)", "auth.jwt_issuer": "\(auth.jwt?.issuer ?? "-")",
        ])
        return AccessControl(auth: auth, jwt: verifier, loopbackHostsOnly: loopback)
    }
}
