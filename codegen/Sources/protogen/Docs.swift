import ArgumentParser
import Foundation
import ProtoSchema

/// `protogen docs`: rewrites the schema reference (Markdown pages and one HTML page).
struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite the schema reference: Markdown pages and one self-contained HTML page.")

    @Option(help: "The schema root (a folder of .proto files).")
    var schema = "schema"

    @Option(help: "The folder the Markdown pages go to.")
    var out = "docs/schema"

    @Option(help: "The HTML page to write (default: index.html in the --out folder).")
    var html: String?

    @Flag(help: "Write nothing; exit 1 when a generated file is out of date.")
    var check = false

    func run() throws {
        let loaded = try loadSchema(schema)
        let pages = SchemaDocs.markdown(for: loaded)
        let page = SchemaDocs.html(for: loaded)
        let html = self.html ?? out + "/index.html"
        let fm = FileManager.default
        var stale: [String] = []

        if !check { try fm.createDirectory(atPath: out, withIntermediateDirectories: true) }
        for (name, text) in pages.sorted(by: { $0.key < $1.key }) {
            let path = out + "/" + name
            if (try? String(contentsOfFile: path, encoding: .utf8)) == text { continue }
            stale.append(path)
            if !check { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        }

        if (try? String(contentsOfFile: html, encoding: .utf8)) != page {
            stale.append(html)
            if !check {
                let folder = (html as NSString).deletingLastPathComponent
                if !folder.isEmpty { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) }
                try page.write(toFile: html, atomically: true, encoding: .utf8)
            }
        }

        // Pages generated earlier for files that no longer exist; pages
        // without the generated marker are someone's own and stay.
        let existing = ((try? fm.contentsOfDirectory(atPath: out)) ?? []).sorted()
        for name in existing where name.hasSuffix(".md") && pages[name] == nil {
            let path = out + "/" + name
            guard Self.isGenerated(path) else { continue }
            stale.append(path)
            if !check { try fm.removeItem(atPath: path) }
        }

        if check {
            if !stale.isEmpty {
                for s in stale { printError("out of date: \(s)") }
                throw ExitCode(1)
            }
            print("\(pages.count + 1) documentation files are up to date")
        } else {
            print("wrote \(pages.count) Markdown pages in \(out) and \(html) (\(stale.count) changed)")
        }
    }

    /// True when the file starts with the marker `protogen docs` writes.
    static func isGenerated(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: SchemaDocs.generatedMarker.utf8.count)) ?? Data()
        return head == Data(SchemaDocs.generatedMarker.utf8)
    }
}
