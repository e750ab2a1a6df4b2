import AggregatorCore
import ArgumentParser
import Foundation

/// `aggregator token new NAME --role R`: issues an API token.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue API tokens for the auth section of the configuration.",
        subcommands: [New.self, Hash.self])

    /// `aggregator token new NAME --role R`
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new random token once, and the lines that declare it in the configuration.",
            discussion: """
                The configuration keeps only the token's SHA-256; the token itself is printed here once \
                and stored nowhere. Give it to the caller, who sends it as 'Authorization: Bearer TOKEN'. \
                To revoke it, delete its lines and restart the server.
                """)

        @Argument(help: "Who the token is for; it names the caller in the audit trail (letters, digits, - _ .).")
        var name: String

        @Option(help: "reader (lists, jobs, backends), operator (also creates and dry runs) or admin (everything, incl. the audit trail).")
        var role: String

        func validate() throws {
            guard APIToken.isValidName(name) else {
                throw ValidationError("'\(name)' is not a valid token name: use letters, digits, '-', '_' and '.', starting with a letter or digit")
            }
            guard Role(name: role) != nil else {
                throw ValidationError("unknown role '\(role)': use reader, operator or admin")
            }
        }

        func run() throws {
            let role = Role(name: role) ?? .reader
            let token = APITokenGenerator.generate()
            let digest = TokenDigest.of(token: token)
            print("""
                New token for '\(name)' (role \(role)). It is shown only this once; give it to its user now:

                \(token)

                Declare it in the configuration file (under an existing auth.tokens, add only the '- name' entry):

                auth:
                  tokens:
                    - name: \(name)
                      role: \(role)
                      sha256: \(digest.hex)

                Then restart the server. Callers send it as:
                  curl -H "Authorization: Bearer \(token)" http://127.0.0.1:6299/api/v1/vms
                """)
        }
    }

    /// `aggregator token hash < token-file`
    struct Hash: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the SHA-256 of a token read from standard input (for sha256: in the configuration).")

        func run() throws {
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let token = input.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw ValidationError("no token on standard input") }
            print(TokenDigest.of(token: token).hex)
        }
    }
}
