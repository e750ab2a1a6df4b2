import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes the job database readable by the service user alone: its directory is created 0700
/// and the file 0600 before SQLite opens it. SQLite gives its journal files the database file's
/// mode, so they follow. An existing database readable by others is narrowed to 0600.
enum PrivateDatabaseFile {
    /// Prepares `path` for opening. Blocking: call from a thread pool.
    /// - Throws: `CocoaError` naming the path when the directory or the file cannot be created.
    static func prepare(_ path: String) throws {
        guard !path.isEmpty, path != ":memory:" else { return }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [
                NSFilePathErrorKey: path,
                NSLocalizedDescriptionKey: "cannot create \(path): \(String(cString: strerror(errno)))",
            ])
        }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_uid == getuid(), status.st_mode & 0o077 != 0 {
            _ = fchmod(descriptor, 0o600)
        }
    }
}
