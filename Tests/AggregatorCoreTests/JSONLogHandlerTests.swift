import AggregatorCore
import Foundation
import Logging
import Synchronization
import Testing

/// `--log-format json`: one valid JSON object per line, whatever the message and metadata hold.
@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[[UInt8]]>([])
    }

    @Test func everyEventIsOneValidJSONLineWithItsMetadata() throws {
        let sink = Lines()
        var handler = JSONLogHandler(label: "aggregator") { line in sink.lines.withLock { $0.append(line) } }
        handler[metadataKey: "backend.name"] = "e15"
        let logger = Logger(label: "aggregator") { _ in handler }
        let hostile = "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} ünïcödé"
        logger.info("Request \(hostile)", metadata: ["http.status": "200", "message": "not the message", hostile: "\(hostile)"])
        logger.debug("dropped below the level")

        let lines = sink.lines.withLock { $0 }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") }, "one line per event")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: String])
        #expect(object["level"] == "info")
        #expect(object["label"] == "aggregator")
        #expect(object["message"] == "Request \(hostile)", "metadata never overwrites the message")
        #expect(object["http.status"] == "200")
        #expect(object["backend.name"] == "e15")
        #expect(object[hostile] == hostile)
        let time = try #require(object["time"])
        #expect(try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(time).timeIntervalSinceNow > -60)
    }
}
