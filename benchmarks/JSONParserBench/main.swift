// Parse time of JSON objects with more and more distinct keys, and the provisioning decoder's time
// for an item with that many fields: linear growth means the time per key stays flat (each member
// is checked for duplicates in constant time). Prints two markdown tables.
//
//     swift run -c release JSONParserBench [runs]
import AggregatorCore

func object(keys: Int) -> [UInt8] {
    var text = "{"
    text.reserveCapacity(keys * 12)
    for index in 0..<keys {
        if index > 0 { text += "," }
        text += "\"k\(index)\":\(index)"
    }
    return Array((text + "}").utf8)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let runs = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 5
let clock = ContinuousClock()
print("runs=\(runs) (best of runs per row)")
table("JSONParser.parse, one object of N distinct keys") { keys in
    let bytes = object(keys: keys)
    return {
        let value = try! JSONParser.parse(bytes)
        precondition(value.members?.count == keys)
    }
}
let decoder = ProvisioningRequestDecoder(engines: ["e15-test"], kind: "ovirt")
table("ProvisioningRequestDecoder.decode, one item of N fields (rejected)") { keys in
    let bytes = Array("[".utf8) + object(keys: keys) + Array("]".utf8)
    return { precondition((try? decoder.decode(bytes, action: .createVM)) == nil) }
}

func table(_ title: String, _ make: (Int) -> () -> Void) {
    print("")
    print(title)
    print("")
    print("|    keys |   best ms | median ms | ns per key | time / time of 12 500 keys |")
    print("|---------|-----------|-----------|------------|----------------------------|")
    var baseline: Double?
    for keys in [12_500, 25_000, 50_000, 100_000, 200_000] {
        let work = make(keys)
        var times: [Double] = []
        for _ in 0..<runs {
            let start = clock.now
            work()
            times.append(seconds(clock.now - start))
        }
        times.sort()
        let best = times[0]
        let median = times[times.count / 2]
        baseline = baseline ?? best
        let row = [
            String(keys).leftPadded(7), String(format3(best * 1000)).leftPadded(9), String(format3(median * 1000)).leftPadded(9),
            String(format3(best / Double(keys) * 1e9)).leftPadded(10), String(format3(best / baseline!)).leftPadded(26),
        ]
        print("| " + row.joined(separator: " | ") + " |")
    }
}

func format3(_ value: Double) -> String {
    let scaled = (value * 1000).rounded() / 1000
    return "\(scaled)"
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
