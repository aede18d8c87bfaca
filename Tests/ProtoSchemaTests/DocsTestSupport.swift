import Foundation

@testable import ProtoSchema

/// Link and anchor extraction for the docs tests.
enum DocsTestSupport {
    /// Every `<start>value<end>` in `text`, e.g. `values("href=\"#", "\"", html)`.
    static func values(_ start: String, _ end: String, in text: String) -> [String] {
        text.components(separatedBy: start).dropFirst().compactMap { part in
            part.range(of: end).map { String(part[..<$0.lowerBound]) }
        }
    }

    /// Targets of Markdown links: `[text](target)`.
    static func markdownLinks(_ page: String) -> [String] { values("](", ")", in: page) }

    /// Anchors of a Markdown page: `<a id="…"></a>`.
    static func markdownAnchors(_ page: String) -> Set<String> { Set(values("<a id=\"", "\"></a>", in: page)) }

    static func htmlIDs(_ html: String) -> [String] { values(" id=\"", "\"", in: html) }

    static func htmlLinks(_ html: String) -> [String] { values("href=\"", "\"", in: html) }

    /// Problems with the links of a set of Markdown pages: a `page.md#anchor`,
    /// `page.md` or `#anchor` target that does not exist. External links are not allowed.
    static func brokenMarkdownLinks(_ pages: [String: String]) -> [String] {
        let anchors = pages.mapValues(markdownAnchors)
        var broken: [String] = []
        for (name, text) in pages.sorted(by: { $0.key < $1.key }) {
            for target in markdownLinks(text) {
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let page = parts[0].isEmpty ? name : parts[0]
                guard let pageAnchors = anchors[page] else {
                    broken.append("\(name): \(target) (no page \(page))")
                    continue
                }
                if parts.count == 2, !pageAnchors.contains(parts[1]) {
                    broken.append("\(name): \(target) (no anchor \(parts[1]) in \(page))")
                }
            }
        }
        return broken
    }

    /// Problems with the links of an HTML page: a link that is not `#id` or
    /// names an id the page lacks, and duplicate ids.
    static func brokenHTMLLinks(_ html: String) -> [String] {
        let idList = htmlIDs(html)
        let ids = Set(idList)
        var broken: [String] = []
        if ids.count != idList.count {
            var seen: Set<String> = []
            for id in idList where !seen.insert(id).inserted { broken.append("duplicate id \(id)") }
        }
        for link in htmlLinks(html) {
            guard link.hasPrefix("#") else {
                broken.append("not internal: \(link)")
                continue
            }
            if !ids.contains(String(link.dropFirst())) { broken.append("no id for \(link)") }
        }
        return broken
    }

    /// Full names of every message, enum, service and rpc of the schema's own files.
    static func documentedNames(_ schema: Schema) -> [String] {
        var names: [String] = []
        for (name, file) in schema.fileOfElement where !Schema.isWellKnown(file: file) { names.append(name) }
        for s in schema.services.values where !Schema.isWellKnown(file: schema.fileOfElement[s.fullName] ?? "") {
            names += s.methods.map { s.fullName + "." + $0.name }
        }
        return names.sorted()
    }

    /// The Markdown page documenting `fullName` (for an rpc: its service's page).
    static func page(of fullName: String, in schema: Schema) -> String? {
        if let file = schema.fileOfElement[fullName] { return SchemaDocs.markdownPage(forFile: file) }
        guard let dot = fullName.lastIndex(of: "."), let file = schema.fileOfElement[String(fullName[..<dot])] else {
            return nil
        }
        return SchemaDocs.markdownPage(forFile: file)
    }
}
