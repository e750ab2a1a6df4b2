import CCurl

/// Process-wide libcurl initialisation.
enum CurlGlobal {
    // A static `let` is initialised lazily, exactly once, under `swift_once`, so
    // `curl_global_init` (which is not thread-safe) runs once even when the first
    // clients start on several threads at the same time. It is never cleaned up:
    // handles may live until process exit.
    private static let initResult: CURLcode = ccurl_global_init()

    /// Initialises libcurl if needed; returns `false` if that failed.
    static func ensureInitialized() -> Bool {
        initResult == CURLE_OK
    }
}
