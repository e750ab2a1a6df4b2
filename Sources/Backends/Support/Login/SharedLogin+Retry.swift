import EngineHTTP

extension SharedLogin {
    /// Sends one request with the shared credential and, when the engine answers 401 (the
    /// credential expired or was revoked), forgets that credential, logs in once more and sends
    /// the request once more.
    ///
    /// Only the credential the 401 answered is forgotten (``invalidate(_:)``), so many requests
    /// that all get a 401 for the same expired token still cause a single new login.
    ///
    /// ```swift
    /// let response = try await tokens.send(login: { try await session.login() },
    ///                                      onRejected: { logger.debug("Token rejected, logging in again") }) { token in
    ///     try await client.execute(request.authorized(with: token), errors: errors)
    /// }
    /// ```
    /// - Parameters:
    ///   - renewAfter: A credential older than this is replaced before use; nil keeps it until a 401.
    ///   - login: The kind's login, shared by every caller that needs a credential meanwhile.
    ///   - onRejected: Called once when the first answer is a 401, before the new login.
    ///   - attempt: Sends the request with a credential and returns the engine's answer.
    /// - Returns: The answer to the last attempt, whatever its status (a second 401 included).
    /// - Throws: The login's error, the attempt's error, or `CancellationError`.
    public func send(
        renewAfter: Duration? = nil, login: @escaping Login, onRejected: () -> Void = {},
        _ attempt: (Credential) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        var issued = try await credential(renewAfter: renewAfter, login: login)
        var response = try await attempt(issued.value)
        if response.status == 401 {
            onRejected()
            invalidate(issued)
            issued = try await credential(renewAfter: renewAfter, login: login)
            response = try await attempt(issued.value)
        }
        return response
    }
}
