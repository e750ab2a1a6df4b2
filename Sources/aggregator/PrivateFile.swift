import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files and directories only the service user may read: trusted CA certificates and the
/// configuration file `trust` rewrites.
///
/// Blocking: call from a thread pool, never from Swift's cooperative pool.
enum PrivateFile {
    /// Creates `path` and any missing parents with mode 0700; an existing directory this user
    /// owns is narrowed to 0700.
    static func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var status = stat()
        if stat(path, &status) == 0, status.st_uid == getuid(), status.st_mode & 0o077 != 0 {
            _ = chmod(path, 0o700)
        }
    }

    /// Writes `data` to `path` atomically (a temporary file renamed over it), created with `mode`
    /// (0600 unless told otherwise), so a reader never sees a part and nobody else can read it
    /// even for a moment.
    static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("cannot create", temporary) }
        let ok: Bool
        do {
            try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: data)
            ok = true
        } catch {
            ok = false
        }
        // The umask may have narrowed the mode; it never widens it. Set it exactly.
        let closed = ok && fchmod(descriptor, mode) == 0 && fsync(descriptor) == 0
        close(descriptor)
        guard closed, rename(temporary, path) == 0 else {
            let error = failure("cannot write", path)
            unlink(temporary)
            throw error
        }
    }

    /// The permission bits of an existing file, or nil.
    static func mode(of path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & 0o7777
    }

    private static func failure(_ what: String, _ path: String) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [
            NSFilePathErrorKey: path,
            NSLocalizedDescriptionKey: "\(what) \(path): \(String(cString: strerror(errno)))",
        ])
    }
}
