import AggregatorCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import Server

/// Decides how `serve` and `demo` guard the API: refuses an unauthenticated listener on a
/// non-loopback address unless told `--insecure-no-auth`, works out the names clients may
/// address it by, and loads the single sign-on keys.
public enum ListenerAccess {
    /// The access checks for `auth` on a listener at `host`.
    /// - Parameter server: `allowed_hosts` and `trusted_proxies` come from here.
    /// - Throws: ``ConfigurationFailure`` (exit status 78) for an unauthenticated non-loopback
    ///   listener without `insecureNoAuth`, or an unreadable JWKS file.
    public static func make(_ auth: AuthConfiguration, host: String, server: AggregatorConfiguration.ServerSettings,
                     insecureNoAuth: Bool, logger: Logger) async throws -> AccessControl {
        let loopback = LoopbackAddress.contains(host)
        let allowedHosts = server.allowedHosts.map { HostAllowList(names: $0) } ?? listenerNames(host)
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
                printInsecureBanner(host: host, allowedHosts: allowedHosts)
                logger.warning("Serving without authentication on a non-loopback address", metadata: [
                    "http.host": "\(host)", "fix": "declare auth.tokens or auth.jwt in the configuration",
                ])
            }
            return AccessControl(auth: auth, allowedHosts: allowedHosts, trustedProxies: server.trustedProxies)
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
            for skipped in verifier?.skippedKeys ?? [] {
                logger.notice("JWKS key left out", metadata: ["auth.jwt_key": "\(skipped)"])
            }
        }
        logger.notice("Requests need a bearer token", metadata: [
            "auth.tokens": "\(auth.tokens.count)", "auth.jwt_issuer": "\(auth.jwt?.issuer ?? "-")",
        ])
        return AccessControl(auth: auth, jwt: verifier, allowedHosts: allowedHosts,
                             enforceAllowedHosts: server.allowedHosts != nil, trustedProxies: server.trustedProxies)
    }

    /// The names a listener on `host` answers to: the loopback names, the address itself, and for
    /// a wildcard address (`0.0.0.0`, `::`) this machine's name and the addresses of its interfaces.
    static func listenerNames(_ host: String) -> HostAllowList {
        var names: Set<String> = [host]
        if host == "0.0.0.0" || host == "::" || host == "[::]" || host.isEmpty {
            names.insert(ProcessInfo.processInfo.hostName)
            let devices = (try? System.enumerateDevices()) ?? []
            for device in devices {
                if let ip = device.address?.ipAddress { names.insert(ip) }
            }
        }
        return HostAllowList(names: names)
    }

    /// Says on standard output, not only in the log, that anyone who reaches the port is an admin.
    static func printInsecureBanner(host: String, allowedHosts: HostAllowList) {
        let names = allowedHosts.names.sorted().joined(separator: ", ")
        let banner = """
            ************************************************************************
            WARNING: serving WITHOUT AUTHENTICATION on \(host) (--insecure-no-auth).
            Anyone who can reach this port can list every engine and create VMs.
            Requests are answered only when addressed to: loopback names, \(names)
            (server.allowed_hosts); requests passed on by a proxy are refused.
            Declare auth.tokens or auth.jwt in the configuration instead.
            ************************************************************************

            """
        FileHandle.standardOutput.write(Data(banner.utf8))
    }
}
