/// Comma-separated `key=value` lists (`virtio=BC:24:11:…,bridge=vmbr0,tag=5`),
/// the "property strings" of the Proxmox schema.
enum PropertyString {
    /// Splits a property string; a part without `=` goes to `defaultKey`.
    /// Lenient: for reading values the simulator wrote itself.
    static func parse(_ text: String, defaultKey: String? = nil) -> [String: String] {
        var result: [String: String] = [:]
        for part in text.split(separator: ",") {
            if let equals = part.firstIndex(of: "=") {
                result[String(part[..<equals])] = String(part[part.index(after: equals)...])
            } else if let defaultKey {
                result[defaultKey] = String(part)
            }
        }
        return result
    }

    /// `parse_boolean`: 1/on/yes/true and 0/off/no/false, case-insensitive.
    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "on", "yes", "true": true
        case "0", "off", "no", "false": false
        default: nil
        }
    }

    /// Prints `values` with `defaultKey` first (bare, or `default=combined`
    /// when `combineWith` holds a value), then the rest sorted by key, as
    /// `print_property_string` does.
    static func print(_ values: [String: String], defaultKey: String?, combineWith: String? = nil) -> String {
        var parts: [String] = []
        var done: Set<String> = []
        if let defaultKey, let value = values[defaultKey] {
            if let combineWith, let combined = values[combineWith] {
                parts.append("\(value)=\(combined)")
                done.insert(combineWith)
            } else {
                parts.append(value)
            }
            done.insert(defaultKey)
        }
        for key in values.keys.sorted() where !done.contains(key) {
            parts.append("\(key)=\(values[key]!)")
        }
        return parts.joined(separator: ",")
    }
}

/// Disk sizes as the schema writes them (`format_size`) and reads them (`parse_size`).
enum DiskSize {
    static let gib = 1 << 30

    /// `32G`, `512M`, `1T`, or plain bytes when not a whole KiB.
    static func format(_ bytes: Int) -> String {
        let kb = bytes / 1024
        if kb * 1024 != bytes { return String(bytes) }
        let mb = kb / 1024
        if mb * 1024 != kb { return "\(kb)K" }
        let gb = mb / 1024
        if gb * 1024 != mb { return "\(mb)M" }
        let tb = gb / 1024
        if tb * 1024 != gb { return "\(gb)G" }
        return "\(tb)T"
    }

    /// Bytes of `32G`, `1.5T`, `4096` (plain bytes); nil when malformed.
    static func parse(_ text: String) -> Int? {
        var number = Substring(text)
        var unit = 1
        if let last = number.last, let scale = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40][String(last)] {
            unit = scale
            number = number.dropLast()
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number) else {
            return nil
        }
        return Int(value * Double(unit))
    }

    /// `20.0 GiB`, as the task logs print sizes (`render_bytes`).
    static func render(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var index = 0
        while value >= 1024, index < units.count - 1 {
            value /= 1024
            index += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[index])"
    }
}

/// One drive option value: `local-lvm:vm-100-disk-0,iothread=1,size=32G`.
struct Drive: Sendable, Equatable {
    /// `STORAGE:VOLNAME`, `none`, `cdrom`, or a new-disk request `STORAGE:SIZE`.
    var file: String
    /// The other options, without `file`.
    var options: [String: String]

    init(file: String, options: [String: String] = [:]) {
        self.file = file
        self.options = options
    }

    /// Parses a drive written by the simulator or validated by the schema.
    init?(_ text: String) {
        var values = PropertyString.parse(text, defaultKey: "file")
        guard let file = values.removeValue(forKey: "file") else { return nil }
        self.file = file
        self.options = values
    }

    var text: String {
        var values = options
        values["file"] = file
        return PropertyString.print(values, defaultKey: "file")
    }

    var isCDROM: Bool { options["media"] == "cdrom" }

    /// Whether this is a cloud-init drive (`…:vm-100-cloudinit`).
    var isCloudInit: Bool {
        guard let volume = volumeName else { return false }
        return volume == "cloudinit" || volume.hasSuffix("-cloudinit") || volume.contains("-cloudinit.")
    }

    /// The storage of `STORAGE:VOLNAME`.
    var storage: String? {
        guard let colon = file.firstIndex(of: ":") else { return nil }
        return String(file[..<colon])
    }

    /// The volume name of `STORAGE:VOLNAME`.
    var volumeName: String? {
        guard let colon = file.firstIndex(of: ":") else { return nil }
        return String(file[file.index(after: colon)...])
    }

    /// The size in GiB of a new-disk request (`STORAGE:SIZE`), nil for anything else.
    var newDiskGiB: Double? {
        guard let volume = volumeName, !volume.isEmpty,
            volume.allSatisfy({ $0.isNumber || $0 == "." }), volume.first != "."
        else { return nil }
        return Double(volume)
    }

    var sizeBytes: Int? { options["size"].flatMap(DiskSize.parse) }
}
