/// A failed API call, answered as `pve-http-server` answers it: the status,
/// the message's first line as reason phrase, and a JSON body
/// `{"data":null,"message":…}` plus `"errors"` for parameter errors.
struct PVEError: Error, Sendable, CustomStringConvertible {
    var status: Int
    /// The full message; runtime errors end in a newline as Perl's `die "…\n"` does.
    var message: String
    /// Per-parameter messages (HTTP 400 "Parameter verification failed.").
    var errors: [String: String]?
    /// Whether the answer has no body (authentication failures, proxy errors).
    var bodyless = false

    var description: String { "\(status) \(message)" }

    /// `raise_param_exc`: 400 "Parameter verification failed." with the messages.
    static func parameters(_ errors: [String: String]) -> PVEError {
        PVEError(status: 400, message: "Parameter verification failed.\n", errors: errors)
    }

    static func parameter(_ name: String, _ message: String) -> PVEError {
        parameters([name: message])
    }

    /// `die "…\n"` in an API handler: 500 with the message.
    static func runtime(_ message: String) -> PVEError {
        PVEError(status: 500, message: message.hasSuffix("\n") ? message : message + "\n")
    }

    /// `raise_perm_exc`: 403 "Permission check failed (…)".
    static func permission(_ what: String) -> PVEError {
        PVEError(status: 403, message: "Permission check failed (\(what))\n")
    }

    /// An authentication failure: 401 with the reason and no body.
    static func unauthorized(_ reason: String) -> PVEError {
        PVEError(status: 401, message: reason, bodyless: true)
    }

    /// No handler for the method and path.
    static func notImplemented(method: String, path: String) -> PVEError {
        PVEError(status: 501, message: "Method '\(method) \(path)' not implemented")
    }

    /// A request proxied to a node that does not answer (AnyEvent::HTTP's 595).
    static func nodeUnreachable() -> PVEError {
        PVEError(status: 595, message: "No route to host", bodyless: true)
    }

    /// `load_config` of a VM that is not on the node.
    static func noConfig(vmid: Int, node: String) -> PVEError {
        runtime("Configuration file 'nodes/\(node)/qemu-server/\(vmid).conf' does not exist")
    }

    /// The reason phrase: the message's first line.
    var reason: String {
        let line = message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(line)
    }
}
