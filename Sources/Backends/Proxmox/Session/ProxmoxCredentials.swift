import AggregatorCore
import BackendSupport

/// How the backend proves who it is to Proxmox VE.
///
/// A `username` with a token id (`USER@REALM!TOKENID`) means an API token: the configured secret
/// is the token's secret and every request carries `Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`.
/// Any other `username` (`root@pam`) logs in with its password through `POST /access/ticket`.
enum ProxmoxCredentials: Sendable {
    /// An API token; `tokenID` is `USER@REALM!TOKENID`.
    case apiToken(tokenID: String, secret: Secret)
    /// A user and password, exchanged for a ticket.
    case password(username: String, password: Secret)

    /// Reads `username` and its secret.
    /// - Returns: nil with the reason when the user name cannot be used.
    static func make(username: String, secret: Secret) -> Result<ProxmoxCredentials, ProxmoxCredentialProblem> {
        let name = username.trimmingWhitespace()
        guard let bang = name.firstIndex(of: "!") else {
            guard name.contains("@") else {
                return .failure(ProxmoxCredentialProblem(
                    message: "username '\(name)' has no realm",
                    fix: "write USER@REALM, e.g. root@pam, or USER@REALM!TOKENID for an API token"))
            }
            return .success(.password(username: name, password: secret))
        }
        let user = name[..<bang]
        let token = name[name.index(after: bang)...]
        guard user.contains("@"), !token.isEmpty, !token.contains("!"), !token.contains("=") else {
            return .failure(ProxmoxCredentialProblem(
                message: "username '\(name)' is not an API token id",
                fix: "write USER@REALM!TOKENID, e.g. aggregator@pve!inventory"))
        }
        return .success(.apiToken(tokenID: name, secret: secret))
    }

    /// The user or token id, for messages (never the secret).
    var principal: String {
        switch self {
        case .apiToken(let tokenID, _): tokenID
        case .password(let username, _): username
        }
    }

    var isToken: Bool {
        if case .apiToken = self { return true }
        return false
    }
}

/// Why a configured user name cannot be used.
struct ProxmoxCredentialProblem: Error, Sendable {
    var message: String
    var fix: String
}
