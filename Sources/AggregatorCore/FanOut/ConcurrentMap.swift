extension Sequence where Element: Sendable {
    /// `transform` applied to every element concurrently, one child task each, with the results
    /// in the sequence's order (the fan-out answers engines in configuration order).
    func concurrentMap<Result: Sendable>(
        _ transform: @escaping @Sendable (Element) async -> Result
    ) async -> [Result] {
        let elements = Array(self)
        return await withTaskGroup(of: (Int, Result).self) { group in
            for (index, element) in elements.enumerated() {
                group.addTask { (index, await transform(element)) }
            }
            var collected = [Result?](repeating: nil, count: elements.count)
            for await (index, result) in group { collected[index] = result }
            return collected.compactMap { $0 }
        }
    }
}
