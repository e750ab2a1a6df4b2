import AggregatorCore
import Hummingbird
import Testing

@testable import Server

/// Who the client is behind a trusted proxy, and what forwarding headers a hostile client can
/// make of it.
@Suite struct ClientAddressTests {
    let trusted = [IPAddressRange("10.0.0.0/8")!, IPAddressRange("127.0.0.1")!, IPAddressRange("fd00::/8")!]

    func client(peer: String?, _ headers: [(String, String)]) -> String? {
        ClientAddress.forwardedClient(peerIP: peer, headers: Self.fields(headers), trusted: trusted)
    }

    static func fields(_ headers: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(.init(name: HTTPFields.Element.Name(name)!, value: value)) }
        return fields
    }

    @Test("the chain is read from the right: the first address that is not a trusted proxy is the client")
    func rightmostUntrusted() {
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "198.51.100.1, 203.0.113.7, 10.1.2.3")]) == "203.0.113.7")
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "10.9.9.9, 10.1.2.3")]) == "10.9.9.9", "all trusted: the first")
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-For", "5.6.7.8")]) == "5.6.7.8")
    }

    @Test("Forwarded wins over X-Forwarded-For, with quotes, ports and brackets")
    func forwardedHeader() {
        #expect(client(peer: "10.0.0.5", [("Forwarded", #"for="[2001:db8::5]:4711";proto=https"#),
                                          ("X-Forwarded-For", "203.0.113.9")]) == "2001:db8::5")
        #expect(client(peer: "10.0.0.5", [("Forwarded", #"for="192.0.2.60:8080", for=10.0.0.7"#)]) == "192.0.2.60")
        #expect(client(peer: "10.0.0.5", [("Forwarded", "proto=https;FOR=192.0.2.61")]) == "192.0.2.61")
    }

    @Test("from a peer that is not a trusted proxy, the headers are ignored")
    func untrustedPeer() {
        #expect(client(peer: "203.0.113.50", [("X-Forwarded-For", "10.0.0.1")]) == nil)
        #expect(client(peer: nil, [("X-Forwarded-For", "192.0.2.1")]) == nil)
        #expect(ClientAddress.forwardedClient(peerIP: "127.0.0.1", headers: Self.fields([("X-Forwarded-For", "192.0.2.1")]),
                                              trusted: []) == nil)
    }

    @Test("hostile values name no client: the peer stays the client", arguments: [
        "unknown", "_hidden", "", " , ,", "999.1.1.1", "1.2.3.4.5", "[::1", "not an address, 10.0.0.1",
        String(repeating: "a", count: 10_000), "..",
    ])
    func hostileValues(value: String) {
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", value)]) == nil)
        #expect(client(peer: "127.0.0.1", [("Forwarded", "for=\(value)")]) == nil)
    }

    @Test("a long chain is read without trouble and still yields its rightmost untrusted address")
    func longChain() {
        let chain = (0..<5_000).map { "192.0.2.\($0 % 250)" }.joined(separator: ", ") + ", 10.0.0.1"
        #expect(client(peer: "127.0.0.1", [("X-Forwarded-For", chain)]) == "192.0.2.\(4_999 % 250)")
    }

    @Test("ranges: CIDR blocks, single addresses, IPv4-mapped IPv6, and bad texts refused",
          arguments: ["10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "host.example", "", "::/129", "1.2.3.4/ 8", "1.2.3.4/8x"])
    func badRanges(text: String) {
        #expect(IPAddressRange(text) == nil)
    }

    @Test func rangesMatch() {
        let block = IPAddressRange("10.1.0.0/16")!
        #expect(block.contains("10.1.200.3") && !block.contains("10.2.0.1"))
        #expect(block.contains("::ffff:10.1.2.3"), "IPv4-mapped IPv6")
        #expect(IPAddressRange("[::1]")!.contains("::1"))
        #expect(IPAddressRange("fd00::/8")!.contains("fd12:3456::1") && !IPAddressRange("fd00::/8")!.contains("fe80::1"))
        #expect(IPAddressRange("0.0.0.0/0")!.contains("203.0.113.1"))
        // C stops at a NUL; the text after it must not be ignored.
        #expect(IPAddressRange.bytes(of: "1.2.3.4\u{0}garbage") == nil)
        #expect(!block.contains("10.1.2.3\u{0}"))
    }
}
