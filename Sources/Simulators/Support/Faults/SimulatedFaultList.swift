/// The faults a simulator has been told to inject, in the order they were
/// added; a value kept under the simulator's lock.
public struct SimulatedFaultList<Rule: SimulatedFault>: Sendable {
    /// The rules with their remaining counts.
    public private(set) var rules: [Rule]

    /// A list holding `rules`.
    public init(_ rules: [Rule] = []) {
        self.rules = rules
    }

    /// Adds a rule after the others.
    public mutating func add(_ rule: Rule) {
        rules.append(rule)
    }

    /// Removes every rule.
    ///
    /// - Returns: How many there were.
    public mutating func clear() -> Int {
        defer { rules.removeAll() }
        return rules.count
    }

    /// The first rule matching a request, with its count taken down by one
    /// (a rule whose count runs out is removed).
    public mutating func take(method: String, path: String) -> Rule? {
        guard let index = rules.firstIndex(where: { $0.matches(method: method, path: path) }) else { return nil }
        let rule = rules[index]
        if let remaining = rule.count {
            if remaining <= 1 {
                rules.remove(at: index)
            } else {
                rules[index].count = remaining - 1
            }
        }
        return rule
    }
}
