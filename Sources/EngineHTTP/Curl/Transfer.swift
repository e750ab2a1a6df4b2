import CCurl

/// State of one running transfer, reached from libcurl's C callbacks through `Unmanaged` userdata.
///
/// It lives on the worker thread for the whole `curl_easy_perform` call (kept alive with
/// `withExtendedLifetime`), and only that thread touches it: libcurl calls the callbacks
/// synchronously from inside `curl_easy_perform`.
final class TransferState {
    let cancelled: AbortFlag
    let clientClosing: AbortFlag
    /// The most body bytes kept; past it the transfer is aborted.
    let maxBodyBytes: Int
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    /// The reason phrase of the last status line (`Not Found`, or an engine's own text).
    var reasonPhrase: String?
    /// Set when the body (or its announced `Content-Length`) passed ``maxBodyBytes``.
    var exceededLimit = false

    init(cancelled: AbortFlag, clientClosing: AbortFlag, maxBodyBytes: Int = .max) {
        self.cancelled = cancelled
        self.clientClosing = clientClosing
        self.maxBodyBytes = max(0, maxBodyBytes)
    }

    /// Keeps `bytes` unless the body would pass the cap. Returns false to abort the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= self.maxBodyBytes - self.body.count else {
            self.exceededLimit = true
            return false
        }
        let needed = self.body.count + bytes.count
        if needed > self.body.capacity {
            // Grow by doubling as usual, but never past the cap: a body just under it must not
            // cost twice the cap in memory.
            self.body.reserveCapacity(min(max(self.body.capacity * 2, needed), self.maxBodyBytes))
        }
        self.body.append(contentsOf: bytes)
        return true
    }

    var shouldAbort: Bool {
        self.cancelled.isSet || self.clientClosing.isSet
    }

    /// Records one header line. Returns false to abort the transfer (a `Content-Length` over the cap).
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var line = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = line.last, last.isNewline {
            line.removeLast()
        }
        if line.hasPrefix("HTTP/") {
            // A new status line: an interim (1xx) response ended, only the final one counts.
            self.headers.removeAll()
            self.reasonPhrase = Self.reasonPhrase(ofStatusLine: line)
            return true
        }
        if line.isEmpty {
            return true
        }
        if let first = line.first, first == " " || first == "\t", !self.headers.isEmpty {
            // Obsolete line folding: continues the previous header's value.
            self.headers[self.headers.count - 1].value += " " + Transfer.trimmed(line)
            return true
        }
        guard let colon = line.firstIndex(of: ":") else {
            return true
        }
        let name = Transfer.trimmed(line[..<colon])
        let value = Transfer.trimmed(line[line.index(after: colon)...])
        self.headers.append((name: name, value: value))
        if name.lowercased() == "content-length", let length = Int(value), length > 0 {
            if length > self.maxBodyBytes {
                // Refused before a byte of the body is read. (With compression this is the encoded
                // size, which a decoded body does not undercut.)
                self.exceededLimit = true
                return false
            }
            // One allocation for the whole body instead of a copy at every doubling; bounded, so a
            // header cannot make the client reserve more than a large listing page needs.
            self.body.reserveCapacity(min(length, Self.largestReservation))
        }
        return true
    }

    /// `unable to find VM` from `HTTP/1.1 500 unable to find VM`; nil when the line has none.
    static func reasonPhrase(ofStatusLine line: Substring) -> String? {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let reason = Transfer.trimmed(parts[2])
        return reason.isEmpty ? nil : reason
    }

    /// The most a `Content-Length` header makes the client reserve up front (64 MiB).
    static let largestReservation = 64 << 20
}

// The callbacks are C function pointers: they capture nothing, find their TransferState through the
// userdata pointer, never throw, and return size * nmemb (or a different value to make libcurl abort).

private let writeCallback: curl_write_callback = { data, size, count, userdata in
    let length = size * count
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    if length > 0, let data {
        // Any value other than `length` makes libcurl abort with CURLE_WRITE_ERROR.
        guard state.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) else { return 0 }
    }
    return length
}

private let headerCallback: curl_write_callback = { data, size, count, userdata in
    let length = size * count
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    if length > 0, let data {
        guard state.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length)) else { return 0 }
    }
    return length
}

private let progressCallback: curl_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    // Non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK.
    return state.shouldAbort ? 1 : 0
}

/// Runs one request on an easy handle. Blocks: call only from a dedicated thread.
enum Transfer {
    /// What a finished transfer produced.
    struct Outcome: Sendable {
        var result: Result<HTTPResponse, HTTPClientError>
        /// New connections this transfer opened (0 when an existing one was reused).
        var connectionsOpened: Int
    }

    static func run(
        _ request: HTTPRequest,
        configuration: HTTPClientConfiguration,
        handle: EasyHandle,
        cancelled: AbortFlag,
        clientClosing: AbortFlag
    ) -> Outcome {
        if let problem = self.validate(request) {
            return Outcome(
                result: .failure(HTTPClientError(code: .invalidRequest, url: request.url, message: problem)),
                connectionsOpened: 0
            )
        }
        // A HEAD answer announces the length of a body it does not send.
        let state = TransferState(cancelled: cancelled, clientClosing: clientClosing,
                                  maxBodyBytes: request.method == "HEAD" ? .max : configuration.maxResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }

        let code: CURLcode
        do {
            headerList = self.headerList(for: request)
            try self.configure(handle, for: request, configuration: configuration, headerList: headerList)
            let userdata = Unmanaged.passUnretained(state).toOpaque()
            try handle.set(CURLOPT_WRITEFUNCTION, function: writeCallback)
            try handle.set(CURLOPT_WRITEDATA, pointer: userdata)
            try handle.set(CURLOPT_HEADERFUNCTION, function: headerCallback)
            try handle.set(CURLOPT_HEADERDATA, pointer: userdata)
            try handle.set(CURLOPT_XFERINFOFUNCTION, function: progressCallback)
            try handle.set(CURLOPT_XFERINFODATA, pointer: userdata)
            try handle.set(CURLOPT_NOPROGRESS, 0)
            try handle.set(CURLOPT_CERTINFO, request.capturePeerCertificates ? 1 : 0)
            code = state.shouldAbort ? CURLE_ABORTED_BY_CALLBACK : withExtendedLifetime(state) { handle.perform() }
            // The handle must not point at the list once it is freed.
            try? handle.set(CURLOPT_HTTPHEADER, list: nil)
        } catch {
            return Outcome(
                result: .failure(
                    HTTPClientError(
                        code: .transport,
                        url: request.url,
                        message: error.message,
                        curlCode: Int32(bitPattern: error.code.rawValue)
                    )
                ),
                connectionsOpened: 0
            )
        }

        let connectionsOpened = handle.info(long: CURLINFO_NUM_CONNECTS)
        if state.exceededLimit {
            let error = HTTPClientError(
                code: .responseTooLarge,
                url: request.url,
                message: "the response is larger than the limit of \(configuration.maxResponseBytes) bytes; "
                    + "the transfer was stopped there",
                curlCode: Int32(bitPattern: code.rawValue)
            )
            return Outcome(result: .failure(error), connectionsOpened: connectionsOpened)
        }
        guard code == CURLE_OK else {
            let connected = handle.info(offset: CURLINFO_CONNECT_TIME_T) > 0
                || handle.info(long: CURLINFO_REQUEST_SIZE) > 0
            let message = handle.errorText ?? String(cString: curl_easy_strerror(code))
            let error = HTTPClientError(
                code: HTTPClientError.Code(curlCode: code, connected: connected),
                url: request.url,
                message: message,
                curlCode: Int32(bitPattern: code.rawValue)
            )
            return Outcome(result: .failure(error), connectionsOpened: connectionsOpened)
        }
        var response = HTTPResponse(
            status: handle.info(long: CURLINFO_RESPONSE_CODE),
            headers: state.headers,
            body: state.body
        )
        response.reasonPhrase = state.reasonPhrase
        if request.capturePeerCertificates {
            response.peerCertificates = handle.peerCertificates()
        }
        return Outcome(result: .success(response), connectionsOpened: connectionsOpened)
    }

    private static func configure(
        _ handle: EasyHandle,
        for request: HTTPRequest,
        configuration: HTTPClientConfiguration,
        headerList: UnsafeMutablePointer<curl_slist>?
    ) throws(CurlSetoptError) {
        handle.clearErrorText()
        try handle.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(handle.errorBuffer))
        try handle.set(CURLOPT_URL, request.url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_NOSIGNAL, 1)
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, self.milliseconds(configuration.connectTimeout))
        try handle.set(CURLOPT_TIMEOUT_MS, self.milliseconds(request.timeout ?? configuration.requestTimeout))
        try handle.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        try handle.set(CURLOPT_FOLLOWLOCATION, 0)
        try handle.set(CURLOPT_TCP_KEEPALIVE, 1)
        try handle.set(CURLOPT_USERAGENT, configuration.userAgent)
        if configuration.acceptCompressed {
            // The empty string offers every encoding this libcurl can decode.
            try handle.set(CURLOPT_ACCEPT_ENCODING, "")
        }
        if let caFile = configuration.caFile {
            try handle.set(CURLOPT_CAINFO, caFile)
        }
        if configuration.insecure {
            try handle.set(CURLOPT_SSL_VERIFYPEER, 0)
            try handle.set(CURLOPT_SSL_VERIFYHOST, 0)
        } else {
            try handle.set(CURLOPT_SSL_VERIFYPEER, 1)
            try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
        }

        switch (request.method, request.body) {
        case ("GET", nil):
            try handle.set(CURLOPT_HTTPGET, 1)
        case ("HEAD", nil):
            try handle.set(CURLOPT_NOBODY, 1)
        case ("POST", let body):
            try handle.set(CURLOPT_POST, 1)
            try handle.setBody(body ?? [])
        case (let method, let body?):
            try handle.setBody(body)
            try handle.set(CURLOPT_CUSTOMREQUEST, method)
        case (let method, nil):
            try handle.set(CURLOPT_CUSTOMREQUEST, method)
        }
        try handle.set(CURLOPT_HTTPHEADER, list: headerList)
    }

    /// The request's headers as a curl list, plus the suppression of curl's own defaults.
    private static func headerList(for request: HTTPRequest) -> UnsafeMutablePointer<curl_slist>? {
        var lines: [String] = []
        for header in request.headers {
            // "Name;" is curl's syntax for a header with an empty value ("Name:" would remove it).
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        let names = Set(request.headers.map { $0.name.lowercased() })
        if request.body != nil || request.method == "POST" {
            // curl would otherwise label every body as a form, and wait for 100-continue on large ones.
            if !names.contains("content-type") {
                lines.append("Content-Type:")
            }
            if !names.contains("expect") {
                lines.append("Expect:")
            }
        }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines {
            list = curl_slist_append(list, line)
        }
        return list
    }

    /// Why the request cannot be sent, or `nil` if it can.
    static func validate(_ request: HTTPRequest) -> String? {
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        if request.method.isEmpty || !request.method.allSatisfy(tokenCharacters.contains) {
            return "invalid HTTP method"
        }
        if request.url.contains(where: { $0 == "\0" || $0 == "\r" || $0 == "\n" }) {
            return "URL contains a control character"
        }
        for header in request.headers {
            if header.name.isEmpty || !header.name.allSatisfy(tokenCharacters.contains) {
                return "invalid header name"
            }
            if header.value.unicodeScalars.contains(where: { $0 == "\0" || $0 == "\r" || $0 == "\n" }) {
                return "header value contains CR, LF or NUL"
            }
        }
        return nil
    }

    /// Milliseconds for a curl timeout, at least 1 (0 would mean "no timeout" to libcurl).
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow else { return seconds > 0 ? Int(Int32.max) : 1 }
        let ms = total.partialValue + attoseconds / 1_000_000_000_000_000
        return Int(clamping: max(1, ms))
    }

    static func trimmed(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
