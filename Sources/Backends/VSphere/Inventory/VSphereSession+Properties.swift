import AggregatorCore
import BackendSupport
import Logging

/// Property reads through the `PropertyCollector`.
extension VSphereSession {
    /// Objects per page of a read (`RetrieveOptions.maxObjects`); the rest follows with
    /// `ContinueRetrievePropertiesEx`.
    static let pageSize = 1000

    /// Every object `filter` selects with the properties it asks for, read page by page
    /// (`RetrievePropertiesEx`, then `ContinueRetrievePropertiesEx` while a token comes back).
    func retrieve(_ filter: PropertyFilter) async throws -> [ObjectContent] {
        let collector = try await serviceContent().propertyCollector
        var values = try await call("RetrievePropertiesEx", on: collector, [
            filter.spec(named: "specSet"),
            SOAPNode("options", [SOAPNode("maxObjects", text: "\(Self.pageSize)")]),
        ])
        var objects: [ObjectContent] = []
        while let result = values.first {
            objects += result.children("objects").compactMap(ObjectContent.init)
            guard let token = result.text(of: "token")?.trimmingWhitespace(), !token.isEmpty else { break }
            try Task.checkCancellation()
            values = try await call("ContinueRetrievePropertiesEx", on: collector, [SOAPNode("token", text: token)])
        }
        return objects
    }

    /// Runs `body` with a container view of `types` under the root folder (recursive), destroying
    /// the view afterwards. A view belongs to the session that made it: when the session was
    /// replaced during `body` (the view is then unknown), the whole read runs once more in the
    /// new session.
    func withContainerView<Result: Sendable>(
        of types: [String], _ body: (ManagedObjectReference) async throws -> Result
    ) async throws -> Result {
        var attempt = 0
        while true {
            attempt += 1
            let content = try await serviceContent()
            let made = try await call("CreateContainerView", on: content.viewManager, [
                SOAPNode(reference: "container", content.rootFolder),
            ] + types.map { SOAPNode("type", text: $0) } + [SOAPNode("recursive", text: "true")])
            guard let view = ManagedObjectReference(made.first) else {
                throw errors.invalid([], expected: "a ContainerView reference", call: "CreateContainerView on \(content.viewManager)")
            }
            do {
                let result = try await body(view)
                _ = try? await call("DestroyView", on: view)
                return result
            } catch let error as BackendError where error.code == .notFound && attempt == 1 {
                logger.debug("Container view gone (new session), reading again",
                             metadata: ["backend.name": "\(engine)"])
                continue
            } catch {
                _ = try? await call("DestroyView", on: view)
                throw error
            }
        }
    }
}
