/// Where one engine's addresses come from: host management addresses, guest
/// IPv4 and IPv6 addresses and NIC MACs, all derived from the engine name so
/// that no two engines show the same address, and the same name always shows
/// the same ones.
///
/// - IPv4: 10.0.0.0/8 is 65,536 rows of /24. The engine owns a block of rows
///   starting at a row picked by a hash of its name: first its management
///   rows (hosts at `.10`–`.249`, gateway `.1`), then one row per 250 seeded
///   VMs (`.2`–`.251`), then its DHCP rows for NICs added later.
/// - MACs: like the random range `engine-setup` gives each engine, the pool is
///   `56:6f:XX:YY:00:00`–`56:6f:XX:YY:ff:ff` with `XX:YY` from the name (the
///   next prefixes when more than one pool is needed). Seeded VM NICs take
///   `00:00`–`bf:ff` by VM index, NICs added later `c0:00`–`ff:ff` in order.
///   Host NICs are `3c:ec:ef:…` from a per-engine base.
/// - A guest's IPv4 address is a function of its NIC's MAC (a fixed DHCP
///   lease): a seeded VM gets the same address each time it starts.
/// - Its IPv6 address is the link-local EUI-64 address of the MAC, unique
///   whenever the MAC is.
///
/// Two engines' blocks overlap only when their names hash close together:
/// for two engines of a few hundred VMs each the odds are about 1 in 3,000 for
/// the rows and 1 in 20,000 for the MAC pools. ``conflicts(with:)`` tells;
/// within one process ``SimulatedEngineOptions/resolvingAddressConflicts(_:)``
/// moves the later engine of such a pair to another block (its
/// ``SimulatedEngineOptions/addressVariant``), which `ovirt-sim` does.
struct AddressPlan: Sendable, Equatable {
    /// The first /24 row of the block (0..<65536: `10.(row >> 8).(row & 255).0/24`).
    let baseRow: Int
    /// Rows of host management addresses (240 a row).
    let managementRows: Int
    /// Rows of seeded guests (250 a row).
    let guestRows: Int
    /// The two bytes after `56:6f` of the first MAC pool.
    let macPoolBase: Int
    /// How many MAC pools the seeded VMs use (49,152 NICs a pool).
    let seededMACPools: Int
    /// The low 24 bits of the first host NIC MAC (`3c:ec:ef:…`).
    let hostMACBase: Int
    /// How many hosts were seeded.
    let hostCount: Int

    static let rows = 1 << 16
    static let hostsPerRow = 240
    static let guestsPerRow = 250
    /// DHCP rows counted as the engine's own when checking for overlaps
    /// (1,000 leases); further leases continue into the next rows.
    static let reservedDHCPRows = 4
    /// Rows, past the DHCP rows, for NICs whose MAC is not from the pool.
    static let foreignRows = 4
    static let seededPerPool = 0xC000
    static let addedPerPool = 0x4000

    /// - Parameter variant: Which of the name's blocks to use; 0 is the name's own.
    init(engineName: String, vmCount: Int, hostCount: Int, variant: Int = 0) {
        let engineName = variant == 0 ? engineName : "\(engineName)#\(variant)"
        baseRow = Self.hash(engineName, "ipv4") % Self.rows
        managementRows = max(1, (max(0, hostCount) + Self.hostsPerRow - 1) / Self.hostsPerRow)
        guestRows = max(1, (max(0, vmCount) + Self.guestsPerRow - 1) / Self.guestsPerRow)
        macPoolBase = Self.hash(engineName, "macpool") % (1 << 16)
        seededMACPools = max(1, (max(0, vmCount) + Self.seededPerPool - 1) / Self.seededPerPool)
        hostMACBase = Self.hash(engineName, "hostmac") % (1 << 24)
        self.hostCount = max(0, hostCount)
    }

    // MARK: IPv4

    /// The dotted address of `offset` in row `row` (taken modulo the rows of 10/8).
    static func ipv4(row: Int, offset: Int) -> String {
        let row = ((row % rows) + rows) % rows
        return "10.\(row >> 8).\(row & 0xff).\(offset)"
    }

    /// The management address of seeded host `index`.
    func hostAddress(_ index: Int) -> String {
        Self.ipv4(row: baseRow + index / Self.hostsPerRow, offset: 10 + index % Self.hostsPerRow)
    }

    /// The gateway of the management row of seeded host `index`.
    func hostGateway(_ index: Int) -> String {
        Self.ipv4(row: baseRow + index / Self.hostsPerRow, offset: 1)
    }

    /// The address of seeded VM `index`.
    func seededGuestAddress(_ index: Int) -> String {
        Self.ipv4(row: baseRow + managementRows + index / Self.guestsPerRow, offset: 2 + index % Self.guestsPerRow)
    }

    /// The lease of the `number`th NIC added after seeding.
    func addedGuestAddress(_ number: Int) -> String {
        Self.ipv4(row: dhcpRow + number / Self.guestsPerRow, offset: 2 + number % Self.guestsPerRow)
    }

    private var dhcpRow: Int { baseRow + managementRows + guestRows }

    /// The IPv4 address the guest behind `mac` gets from the engine's DHCP:
    /// the seeded VM's address for a seeded MAC, the added NIC's lease for a
    /// pool MAC, and an address in the engine's rows for any other MAC.
    func guestAddress(mac: String) -> String {
        if let bytes = Self.macBytes(mac), bytes[0] == 0x56, bytes[1] == 0x6f {
            let pool = ((bytes[2] << 8 | bytes[3]) - macPoolBase + (1 << 16)) % (1 << 16)
            let low = bytes[4] << 8 | bytes[5]
            if low < Self.seededPerPool, pool < seededMACPools {
                return seededGuestAddress(pool * Self.seededPerPool + low)
            }
            if low >= Self.seededPerPool, pool < 256 {
                return addedGuestAddress(pool * Self.addedPerPool + low - Self.seededPerPool)
            }
        }
        let slot = Int(StableHash.fnv1a(mac.lowercased()) % UInt64(Self.foreignRows * Self.guestsPerRow))
        return Self.ipv4(
            row: dhcpRow + Self.reservedDHCPRows + slot / Self.guestsPerRow,
            offset: 2 + slot % Self.guestsPerRow
        )
    }

    // MARK: MACs

    /// The MAC of seeded VM `index`'s NIC.
    func seededGuestMAC(_ index: Int) -> String {
        poolMAC(pool: index / Self.seededPerPool, low: index % Self.seededPerPool)
    }

    /// The MAC the pool gives the `number`th NIC added after seeding.
    func addedMAC(_ number: Int) -> String {
        poolMAC(pool: number / Self.addedPerPool, low: Self.seededPerPool + number % Self.addedPerPool)
    }

    private func poolMAC(pool: Int, low: Int) -> String {
        let prefix = (macPoolBase + pool) % (1 << 16)
        return Self.mac([0x56, 0x6f, prefix >> 8, prefix, low >> 8, low])
    }

    /// The MAC of NIC `slot` (1 or 2) of seeded host `index`.
    func hostMAC(host index: Int, slot: Int) -> String {
        let value = (hostMACBase + index * 2 + slot - 1) % (1 << 24)
        return Self.mac([0x3c, 0xec, 0xef, value >> 16, value >> 8, value])
    }

    static func mac(_ bytes: [Int]) -> String {
        bytes.map { InventorySeeder.hex($0) }.joined(separator: ":")
    }

    static func macBytes(_ mac: String) -> [Int]? {
        let parts = mac.split(separator: ":")
        guard parts.count == 6 else { return nil }
        let bytes = parts.compactMap { Int($0, radix: 16) }
        guard bytes.count == 6, bytes.allSatisfy({ (0...255).contains($0) }) else { return nil }
        return bytes
    }

    // MARK: IPv6

    /// The link-local EUI-64 address of `mac` (`fe80::546f:…`), in the
    /// canonical text form (RFC 5952: lowercase, no leading zeros).
    static func linkLocalAddress(mac: String) -> String {
        let bytes = macBytes(mac) ?? [0, 0, 0, 0, 0, 0]
        let groups = [
            (bytes[0] ^ 0x02) << 8 | bytes[1],
            bytes[2] << 8 | 0xff,
            0xfe << 8 | bytes[3],
            bytes[4] << 8 | bytes[5],
        ]
        return "fe80::" + groups.map { String($0, radix: 16) }.joined(separator: ":")
    }

    // MARK: Overlaps

    /// The IPv4 rows the engine counts as its own.
    var ownedRows: Range<Int> { baseRow..<(baseRow + managementRows + guestRows + Self.reservedDHCPRows + Self.foreignRows) }

    /// The MAC pool prefixes the engine counts as its own (the seeded pools
    /// and one more for NICs added later).
    var ownedMACPools: Range<Int> { macPoolBase..<(macPoolBase + seededMACPools + 1) }

    /// The low 24 bits of the seeded host NIC MACs.
    var ownedHostMACs: Range<Int> { hostMACBase..<(hostMACBase + max(1, hostCount * 2)) }

    /// What this engine would share with `other`: empty when nothing.
    func conflicts(with other: AddressPlan) -> [String] {
        var shared: [String] = []
        if Self.overlap(ownedRows, other.ownedRows, modulo: Self.rows) { shared.append("IPv4 rows") }
        if Self.overlap(ownedMACPools, other.ownedMACPools, modulo: 1 << 16) { shared.append("MAC pool") }
        if Self.overlap(ownedHostMACs, other.ownedHostMACs, modulo: 1 << 24) { shared.append("host NIC MACs") }
        return shared
    }

    /// Whether two ranges overlap on a ring of `modulo` values.
    static func overlap(_ a: Range<Int>, _ b: Range<Int>, modulo: Int) -> Bool {
        let distance = ((b.lowerBound - a.lowerBound) % modulo + modulo) % modulo
        return distance < a.count || (modulo - distance) % modulo < b.count
    }

    private static func hash(_ engineName: String, _ purpose: String) -> Int {
        var generator = SeededGenerator(seed: StableHash.fnv1a("\(engineName)|addresses|\(purpose)"))
        return Int(generator.next() >> 1)
    }
}

extension SimulatedEngineOptions {
    /// The engines among `engines` that would show the same addresses or MACs
    /// (their names hash too close together), one line per pair; empty when
    /// every address and MAC is its engine's own. Renaming one engine of a
    /// pair, or ``resolvingAddressConflicts(_:)``, resolves it.
    ///
    /// - Parameter engines: Engines meant to run side by side.
    /// - Returns: Lines such as `"e1 and e2 share IPv4 rows"`.
    public static func addressConflicts(among engines: [SimulatedEngineOptions]) -> [String] {
        let plans = engines.map(\.addressPlan)
        var lines: [String] = []
        for first in plans.indices {
            for second in plans.indices where second > first && engines[first].name != engines[second].name {
                let shared = plans[first].conflicts(with: plans[second])
                if !shared.isEmpty {
                    lines.append("\(engines[first].name) and \(engines[second].name) share \(shared.joined(separator: ", "))")
                }
            }
        }
        return lines
    }

    /// `engines` with the ``addressVariant`` of each engine that would share
    /// addresses or MACs with an earlier one moved on until it shares none,
    /// so every address and MAC of one process is its engine's own. Engines
    /// without a conflict keep their variant, and the same list always gives
    /// the same result.
    ///
    /// ```swift
    /// let engines = SimulatedEngineOptions.resolvingAddressConflicts(allOptions)
    /// ```
    public static func resolvingAddressConflicts(_ engines: [SimulatedEngineOptions]) -> [SimulatedEngineOptions] {
        var resolved: [SimulatedEngineOptions] = []
        for var engine in engines {
            while resolved.contains(where: { $0.name != engine.name && !$0.addressPlan.conflicts(with: engine.addressPlan).isEmpty }) {
                engine.addressVariant += 1
            }
            resolved.append(engine)
        }
        return resolved
    }

    var addressPlan: AddressPlan {
        AddressPlan(engineName: name, vmCount: vmCount, hostCount: hostCount, variant: addressVariant)
    }
}
