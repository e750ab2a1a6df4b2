import CCurl
import Testing

@testable import EngineHTTP

@Suite("Error mapping, redaction and timeouts", .timeLimit(.minutes(1)))
struct InternalsTests {
    @Test(arguments: [
        ("http://engine/api", "http://engine/api"),
        ("https://user:pa%40ss@engine:443/api/vms?search=name%3Dx", "https://engine:443/api/vms"),
        ("https://engine/api#section", "https://engine/api"),
        ("https://engine?x=@y", "https://engine"),
        ("https://a@b@engine/p", "https://engine/p"),
        ("not a url?secret", "not a url"),
    ])
    func redactionStripsUserinfoQueryAndFragment(url: String, expected: String) {
        #expect(URLRedaction.redact(url) == expected)
    }

    @Test(arguments: [
        (CURLE_COULDNT_CONNECT, true, HTTPClientError.Code.connectionRefused),
        (CURLE_COULDNT_RESOLVE_HOST, false, .hostNotFound),
        (CURLE_OPERATION_TIMEDOUT, false, .connectTimeout),
        (CURLE_OPERATION_TIMEDOUT, true, .timeout),
        (CURLE_SSL_CONNECT_ERROR, true, .tls),
        (CURLE_PEER_FAILED_VERIFICATION, true, .tls),
        (CURLE_SSL_CACERT_BADFILE, false, .tls),
        (CURLE_ABORTED_BY_CALLBACK, true, .cancelled),
        (CURLE_URL_MALFORMAT, false, .invalidURL),
        (CURLE_UNSUPPORTED_PROTOCOL, false, .invalidURL),
        (CURLE_RECV_ERROR, true, .transport),
        (CURLE_GOT_NOTHING, true, .transport),
    ])
    func curlCodesMapToErrorCodes(curlCode: CURLcode, connected: Bool, expected: HTTPClientError.Code) {
        #expect(HTTPClientError.Code(curlCode: curlCode, connected: connected) == expected)
    }

    @Test(arguments: [
        (Duration.zero, 1),
        (.nanoseconds(1), 1),
        (.milliseconds(250), 250),
        (.seconds(10), 10_000),
        (.seconds(Int64.max), Int(Int32.max)),
    ])
    func timeoutsBecomePositiveMilliseconds(duration: Duration, expected: Int) {
        #expect(Transfer.milliseconds(duration) == expected)
    }
}
