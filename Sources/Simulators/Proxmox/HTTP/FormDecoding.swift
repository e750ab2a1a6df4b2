/// `decode_urlencoded` of `PVE::APIServer::AnyEvent`, quirks included.
enum FormDecoding {
    /// Decodes `a=1&b=2;c=3` into parameters.
    ///
    /// Like the real server: pairs split on `&` and `;`, `+` is a space,
    /// a repeated name becomes a list, a pair without a value is dropped,
    /// and a value is cut at a second unescaped `=` (Perl's
    /// `my ($k, $v) = split(/=/, $kv)`), so clients must escape `=` in values.
    static func decode(_ raw: Substring) -> [String: RequestValue] {
        var result: [String: RequestValue] = [:]
        for pair in raw.split(whereSeparator: { $0 == "&" || $0 == ";" }) {
            let pieces = pair.split(separator: "=", omittingEmptySubsequences: false)
            let key = percentDecode(pieces[0])
            guard pieces.count > 1, !pieces[1].isEmpty else { continue }
            let value = percentDecode(pieces[1])
            switch result[key] {
            case .text(let old): result[key] = .list([old, value])
            case .list(let old): result[key] = .list(old + [value])
            default: result[key] = .text(value)
            }
        }
        return result
    }

    /// Percent-decodes with `+` as a space; invalid escapes stay as they are.
    static func percentDecode(_ text: Substring, plusIsSpace: Bool = true) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+"), plusIsSpace {
                output.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Parameters of a JSON body object: strings and numbers as text, booleans
    /// as booleans, arrays and objects as the references Perl would see.
    static func parameters(fromJSON value: PVEJSON) -> [String: RequestValue]? {
        guard case .object(let members) = value else { return nil }
        var result: [String: RequestValue] = [:]
        for (key, member) in members {
            switch member {
            case .null: continue
            case .bool(let flag): result[key] = .bool(flag)
            case .int(let number): result[key] = .text(String(number))
            case .double(let number): result[key] = .text(String(number))
            case .string(let text): result[key] = .text(text)
            case .array(let items): result[key] = .list(items.map { $0.stringValue ?? $0.serialized() })
            case .object: result[key] = .object
            }
        }
        return result
    }
}
