import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an XML document into an ``XMLElement`` tree with namespaces resolved.
///
/// It uses Foundation's SAX `XMLParser` (libxml2 on Linux) with namespace processing on, and
/// resolves attribute prefixes itself from the prefix mappings the parser reports, so `xsi:type`
/// is recognised whatever prefix the document binds to the XML Schema instance namespace, and an
/// unprefixed `type` (a managed object reference's) stays an ordinary attribute.
enum XMLTreeReader {
    /// The XML Schema instance namespace (`xsi`).
    static let schemaInstance = "http://www.w3.org/2001/XMLSchema-instance"

    /// A document that is not well-formed XML.
    struct Malformed: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "XML not well-formed at line \(line): \(reason)" }
    }

    /// The document's root element.
    /// - Throws: ``Malformed`` for a document that is not well-formed or has no root.
    static func parse(_ bytes: [UInt8]) throws(Malformed) -> XMLElement {
        let builder = TreeBuilder()
        // From a stream, so libxml2 is fed in chunks: one chunk of more than 10 MB (a vCenter's
        // answer for thousands of VMs) fails its "huge input lookup" limit.
        let parser = XMLParser(stream: InputStream(data: Data(bytes)))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw Malformed(line: parser.lineNumber, reason: reason)
        }
        return root
    }

    /// Builds the tree from the parser's callbacks (used by one parse on one thread).
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        private var stack: [XMLElement] = []
        /// Prefix → namespace URI, innermost binding last.
        private var prefixes: [String: [String]] = ["xml": ["http://www.w3.org/XML/1998/namespace"]]
        var root: XMLElement?

        func parser(_ parser: XMLParser, didStartMappingPrefix prefix: String, toURI namespaceURI: String) {
            prefixes[prefix, default: []].append(namespaceURI)
        }

        func parser(_ parser: XMLParser, didEndMappingPrefix prefix: String) {
            _ = prefixes[prefix]?.popLast()
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            var attributes: [String: String] = [:]
            var schemaType: String?
            for (name, value) in attributeDict {
                guard let colon = name.firstIndex(of: ":") else {
                    attributes[name] = value
                    continue
                }
                let prefix = String(name[..<colon])
                let local = String(name[name.index(after: colon)...])
                if prefix == "xmlns" { continue }
                if local == "type", prefixes[prefix]?.last == XMLTreeReader.schemaInstance {
                    schemaType = value.lastIndex(of: ":").map { String(value[value.index(after: $0)...]) } ?? value
                }
            }
            // With namespace processing the parser reports local names; a prefix would be cut here.
            let local = elementName.lastIndex(of: ":").map { String(elementName[elementName.index(after: $0)...]) }
                ?? elementName
            stack.append(XMLElement(name: local, namespace: namespaceURI ?? "", attributes: attributes,
                                    schemaType: schemaType, text: "", children: []))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }
    }
}
