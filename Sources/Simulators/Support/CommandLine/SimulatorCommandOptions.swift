import ArgumentParser

/// The options `ovirt-sim` and `pve-sim` share: which engines to serve on
/// which ports, TLS, latency, injected faults and `--print-config`.
///
/// ```swift
/// struct MySimCommand: AsyncParsableCommand {
///     @OptionGroup var common: SimulatorCommandOptions
/// }
/// ```
public struct SimulatorCommandOptions: ParsableArguments {
    /// `--engine NAME:PORT`, repeatable.
    @Option(name: .customLong("engine"), help: "An engine as NAME:PORT (port 0 picks a free one); repeat for more engines.")
    public var engines: [String] = []

    /// `--latency-ms`.
    @Option(name: .customLong("latency-ms"), help: "Delay added to every request, in milliseconds.")
    public var latencyMilliseconds = 0

    /// `--tls-cert`.
    @Option(name: .customLong("tls-cert"), help: "PEM certificate; with --tls-key, serve HTTPS.")
    public var tlsCertificate: String?

    /// `--tls-key`.
    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    public var tlsKey: String?

    /// `--fault METHOD:PATH:STATUS[:COUNT]`, repeatable.
    @Option(name: .customLong("fault"), help: "Inject a fault as METHOD:PATH:STATUS[:COUNT] (PATH exact, or a prefix ending in '*'; COUNT 0 for every request); repeatable.")
    public var faults: [String] = []

    /// `--print-config`.
    @Flag(name: .customLong("print-config"), help: "Print a matching backends.yaml and exit.")
    public var printConfig = false

    public init() {}

    /// The configured latency.
    public var latency: Duration { .milliseconds(latencyMilliseconds) }

    /// Checks what does not depend on the engine kind: at least one engine,
    /// a certificate only with a key, a latency that is not negative.
    public func validate() throws {
        guard !engines.isEmpty else { throw ValidationError("Give at least one --engine NAME:PORT.") }
        _ = try endpoints()
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together.")
        }
        guard latencyMilliseconds >= 0 else { throw ValidationError("--latency-ms must not be negative.") }
    }

    /// The `--engine` values as names and ports.
    ///
    /// - Throws: `ValidationError` for a value that is not `NAME:PORT` or a name given twice.
    public func endpoints() throws -> [(name: String, port: Int)] {
        var seen: Set<String> = []
        return try engines.map { spec in
            guard let colon = spec.lastIndex(of: ":"), let port = Int(spec[spec.index(after: colon)...]),
                (0...65535).contains(port), colon != spec.startIndex
            else {
                throw ValidationError("Engine '\(spec)' is not NAME:PORT.")
            }
            let name = String(spec[..<colon])
            guard seen.insert(name).inserted else { throw ValidationError("Engine name '\(name)' is given twice.") }
            return (name, port)
        }
    }

    /// The `--fault` values, each parsed by `parse` (nil: not a fault).
    ///
    /// - Throws: `ValidationError` naming the first value `parse` refuses.
    public func faultRules<Rule>(_ parse: (String) -> Rule?) throws -> [Rule] {
        try faults.map { spec in
            guard let rule = parse(spec) else {
                throw ValidationError("Fault '\(spec)' is not METHOD:PATH:STATUS[:COUNT].")
            }
            return rule
        }
    }
}
