import Foundation

extension AggregatorConfiguration {
    /// The environment variable that overrides `database.url` (a deployment's own setting, kept
    /// out of the shared file).
    public static let databaseURLVariable = "AGGREGATOR_DATABASE_URL"

    /// Applies `AGGREGATOR_DATABASE_URL` and resolves the PostgreSQL password from
    /// `database.password_env` or `password_file` (a password in the URL is kept).
    /// - Returns: What is wrong, located; empty when all is well.
    mutating func resolveDatabase(environment: [String: String]) -> [ConfigurationError] {
        var errors: [ConfigurationError] = []
        if let text = environment[Self.databaseURLVariable], !text.isEmpty {
            do {
                database.url = try DatabaseURL.parse(text)
            } catch {
                errors.append(ConfigurationError(
                    file: nil, keyPath: Self.databaseURLVariable, message: "\(error.message)",
                    fix: "write it as \(DatabaseURL.ParseError.forms), or unset it to use database.url"))
            }
        }
        guard case .postgresql(var server) = database.url, server.password == nil,
              let source = database.passwordSource
        else { return errors }
        switch source {
        case .environment(let name):
            if let value = environment[name], !value.isEmpty {
                server.password = Secret(value)
            } else {
                errors.append(ConfigurationError(
                    file: file, keyPath: "database.password_env",
                    message: "environment variable \(name) for the job database is not set",
                    fix: "export \(name)=... before starting, or use password_file"))
            }
        case .file(let path):
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               case let value = text.trimmingCharacters(in: .newlines), !value.isEmpty {
                server.password = Secret(value)
            } else {
                errors.append(ConfigurationError(
                    file: file, keyPath: "database.password_file",
                    message: "cannot read the job database's password from \(path), or it is empty",
                    fix: "check that the file exists, is readable by this user and holds the password"))
            }
        }
        database.url = .postgresql(server)
        return errors
    }
}
