import Foundation

/// Where the job database is: an SQLite file, or a PostgreSQL database that replicas share.
///
/// Written `sqlite:/var/lib/vmaggregator/jobs.sqlite` or
/// `postgresql://user[:password]@host[:port]/database` (`postgres://` too). The password may be in
/// the URL (as libpq allows), but `database.password_env` or `password_file` keep it out of files;
/// ``description`` never shows it.
public enum DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// A PostgreSQL server.
    public struct Postgres: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: Secret?
        public var database: String

        public init(host: String, port: Int = 5432, username: String, password: Secret? = nil, database: String) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
        }
    }

    case sqlite(path: String)
    case postgresql(Postgres)

    /// `sqlite` or `postgresql`.
    public var kind: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgresql: "postgresql"
        }
    }

    /// The URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgresql(let server): "postgresql://\(server.username)@\(server.host):\(server.port)/\(server.database)"
        }
    }

    /// Why `text` is not a database URL, with the form it must take.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
        /// The forms a database URL takes.
        public static let forms = "sqlite:/path/jobs.sqlite or postgresql://user@host:5432/database"
    }

    /// Parses `text`; relative SQLite paths resolve against `baseDirectory`.
    public static func parse(_ text: String, baseDirectory: String = ".") throws(ParseError) -> DatabaseURL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw ParseError(message: "names no file after sqlite:") }
            if !path.hasPrefix("/") { path = baseDirectory == "." ? path : "\(baseDirectory)/\(path)" }
            return .sqlite(path: path)
        }
        guard trimmed.hasPrefix("postgresql://") || trimmed.hasPrefix("postgres://"),
              let components = URLComponents(string: trimmed)
        else {
            throw ParseError(message: "is neither an sqlite: nor a postgresql:// URL")
        }
        guard let host = components.host, !host.isEmpty else { throw ParseError(message: "names no host") }
        guard let user = components.user, !user.isEmpty else {
            throw ParseError(message: "names no user (postgresql://USER@\(host)/...)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw ParseError(message: "names no database (postgresql://\(user)@\(host)/DATABASE)")
        }
        if let port = components.port, !(1 ... 65535).contains(port) {
            throw ParseError(message: "has port \(port); a port is 1–65535")
        }
        let password = components.password.map { Secret($0.removingPercentEncoding ?? $0) }
        return .postgresql(Postgres(host: host, port: components.port ?? 5432,
                                    username: user.removingPercentEncoding ?? user, password: password,
                                    database: database.removingPercentEncoding ?? database))
    }
}
