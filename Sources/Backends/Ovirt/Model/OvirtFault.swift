import BackendSupport

/// The engine's error body: `{"reason": "Operation Failed", "detail": "[Cannot add VM. ...]"}`
/// (or the same as `<fault>` XML).
struct OvirtFault: Decodable, Sendable, Hashable {
    var reason: String?
    var detail: String?

    /// `reason: detail`, or whichever is present; nil when both are empty.
    var text: String? {
        let parts = [reason, detail].compactMap { $0?.trimmingWhitespace() }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }
}

/// The SSO token endpoint's answer: a token, or one of its two error shapes.
///
/// `{"access_token", "token_type", "scope", "exp"}` on success; on failure HTTP 400 with
/// `{"error_code", "error"}` (scope `ovirt-app-api`) or `{"error", "error_description"}`.
struct OvirtSSOResponse: Decodable, Sendable {
    var accessToken: String?
    var tokenType: String?
    /// Epoch milliseconds, written as a string.
    var exp: OvirtInt?
    var error: String?
    var errorCode: String?
    var errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case exp, error
        case errorCode = "error_code"
        case errorDescription = "error_description"
    }

    /// The error as (code, message), following the SDK: with `error_description` the code is
    /// `error`, otherwise the code is `error_code` and the message is `error`.
    var failure: (code: String?, message: String?)? {
        if let errorDescription {
            return (error, errorDescription)
        }
        if error != nil || errorCode != nil {
            return (errorCode, error)
        }
        return nil
    }
}
