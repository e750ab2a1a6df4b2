import CCurl

/// One libcurl easy handle and its error buffer.
///
/// An easy handle must not be used from two threads at once, so this type is deliberately not
/// `Sendable`: it is checked out of an ``EasyHandlePool`` by one transfer on one thread and
/// returned afterwards. Its connection cache and TLS session cache survive `reset()`, which is
/// what keeps connections to an engine warm across requests.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard CurlGlobal.ensureInitialized(), let raw = curl_easy_init() else {
            return nil
        }
        self.raw = raw
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(self.raw)
        self.errorBuffer.deallocate()
    }

    /// Resets all options to their defaults; live connections and caches are kept.
    func reset() {
        curl_easy_reset(self.raw)
    }

    /// The text libcurl wrote to the error buffer during the last transfer, if any.
    var errorText: String? {
        self.errorBuffer.pointee == 0 ? nil : String(cString: self.errorBuffer)
    }

    func clearErrorText() {
        self.errorBuffer.pointee = 0
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlSetoptError) {
        try check(option, ccurl_easy_setopt_long(self.raw, option, value))
    }

    func set(_ option: CURLoption, offset value: Int64) throws(CurlSetoptError) {
        try check(option, ccurl_easy_setopt_off_t(self.raw, option, curl_off_t(value)))
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlSetoptError) {
        // libcurl copies string options (except POSTFIELDS, which we never use).
        let code = value.withCString { ccurl_easy_setopt_string(self.raw, option, $0) }
        try check(option, code)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlSetoptError) {
        try check(option, ccurl_easy_setopt_pointer(self.raw, option, value))
    }

    func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) throws(CurlSetoptError) {
        try check(option, ccurl_easy_setopt_slist(self.raw, option, value))
    }

    func set(_ option: CURLoption, function value: curl_write_callback) throws(CurlSetoptError) {
        try check(option, ccurl_easy_setopt_write_function(self.raw, option, value))
    }

    func set(_ option: CURLoption, function value: curl_xferinfo_callback) throws(CurlSetoptError) {
        try check(option, ccurl_easy_setopt_xferinfo_function(self.raw, option, value))
    }

    /// Copies `bytes` as the request body (`CURLOPT_POSTFIELDSIZE_LARGE` + `CURLOPT_COPYPOSTFIELDS`).
    func setBody(_ bytes: [UInt8]) throws(CurlSetoptError) {
        try self.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(bytes.count))
        let code = bytes.withUnsafeBufferPointer { buffer in
            // COPYPOSTFIELDS reads POSTFIELDSIZE bytes; an empty body still needs a valid pointer.
            "".withCString { empty in
                let pointer = buffer.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                    ?? UnsafeMutableRawPointer(mutating: empty)
                return ccurl_easy_setopt_pointer(self.raw, CURLOPT_COPYPOSTFIELDS, pointer)
            }
        }
        try check(CURLOPT_COPYPOSTFIELDS, code)
    }

    func info(long info: CURLINFO) -> Int {
        var value = 0
        return ccurl_easy_getinfo_long(self.raw, info, &value) == CURLE_OK ? value : 0
    }

    func info(offset info: CURLINFO) -> Int64 {
        var value: curl_off_t = 0
        return ccurl_easy_getinfo_off_t(self.raw, info, &value) == CURLE_OK ? Int64(value) : 0
    }

    /// The PEM certificates the server presented during the last handshake (leaf first), from
    /// `CURLINFO_CERTINFO`; empty when the transfer reused a connection or was not TLS.
    func peerCertificates() -> [String] {
        var info: UnsafeMutablePointer<curl_certinfo>? = nil
        guard ccurl_easy_getinfo_certinfo(self.raw, &info) == CURLE_OK, let info,
              info.pointee.num_of_certs > 0, let lists = info.pointee.certinfo
        else { return [] }
        var certificates: [String] = []
        for index in 0..<Int(info.pointee.num_of_certs) {
            var entry = lists[index]
            while let node = entry {
                if let data = node.pointee.data {
                    let field = String(cString: data)
                    if field.hasPrefix("Cert:") {
                        certificates.append(String(field.dropFirst("Cert:".count)))
                        break
                    }
                }
                entry = node.pointee.next
            }
        }
        return certificates
    }

    func perform() -> CURLcode {
        curl_easy_perform(self.raw)
    }

    private func check(_ option: CURLoption, _ code: CURLcode) throws(CurlSetoptError) {
        guard code == CURLE_OK else {
            throw CurlSetoptError(option: option, code: code)
        }
    }
}

/// A `curl_easy_setopt` call failed (out of memory, or an option this libcurl lacks).
struct CurlSetoptError: Error {
    var option: CURLoption
    var code: CURLcode

    var message: String {
        "setting curl option \(self.option.rawValue) failed: \(String(cString: curl_easy_strerror(self.code)))"
    }
}
