import Foundation
import Testing

@testable import ProtoSchema

/// `SchemaDocs` on the real schema under `schema/`.
@Suite("Schema docs of schema/")
struct DocsRealSchemaTests {
    static var schemaDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schema").path
    }

    static let schema: Result<Schema, SchemaErrors> = Result { () throws(SchemaErrors) -> Schema in
        try SchemaLoader.load(directory: schemaDirectory)
    }

    @Test("every internal link of the HTML page resolves and every element has an id")
    func html() throws {
        let schema = try Self.schema.get()
        let html = SchemaDocs.html(for: schema)
        #expect(DocsTestSupport.brokenHTMLLinks(html) == [])
        let ids = Set(DocsTestSupport.htmlIDs(html))
        let names = DocsTestSupport.documentedNames(schema)
        #expect(names.count > 250)
        for name in names { #expect(ids.contains(SchemaDocs.anchor(for: name)), "\(name)") }
        // Self-contained: nothing is fetched.
        #expect(!html.contains(" src=") && !html.contains("<link") && !html.contains("@import"))
    }

    @Test("every relative Markdown link resolves to a page and an anchor")
    func markdown() throws {
        let schema = try Self.schema.get()
        let pages = SchemaDocs.markdown(for: schema)
        let ownFiles = schema.files.filter { !Schema.isWellKnown(file: $0.path) }
        #expect(pages.count == ownFiles.count + 1)
        #expect(DocsTestSupport.brokenMarkdownLinks(pages) == [])
        for name in DocsTestSupport.documentedNames(schema) {
            let page = try #require(DocsTestSupport.page(of: name, in: schema))
            #expect(DocsTestSupport.markdownAnchors(pages[page] ?? "").contains(SchemaDocs.anchor(for: name)), "\(name)")
        }
        // The index links every file page and every type.
        let readme = try #require(pages["README.md"])
        let readmeLinks = Set(DocsTestSupport.markdownLinks(readme))
        for file in ownFiles { #expect(readmeLinks.contains(SchemaDocs.markdownPage(forFile: file.path)), "\(file.path)") }
        for name in schema.messages.keys.sorted() + schema.enums.keys.sorted() {
            guard let file = schema.fileOfElement[name], !Schema.isWellKnown(file: file) else { continue }
            let target = SchemaDocs.markdownPage(forFile: file) + "#" + SchemaDocs.anchor(for: name)
            #expect(readmeLinks.contains(target), "\(name)")
        }
    }
}
