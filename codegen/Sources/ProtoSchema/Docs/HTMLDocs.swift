/// Renders the schema as one self-contained HTML page: a sidebar of
/// services, files and types, an overview, one section per proto file and
/// the A–Z list. Every element has an `id` (`DocsIndex.anchor`) and every
/// cross-reference is an internal `#anchor` link. Ids of the page's own
/// sections start with `docs-`.
struct HTMLDocs {
    let index: DocsIndex
    private var schema: Schema { index.schema }

    init(schema: Schema) { index = DocsIndex(schema: schema) }

    func render() -> String {
        var out = DocsLines()
        out.add("<!DOCTYPE html>", SchemaDocs.generatedMarker, "<html lang=\"en\">", "<head>")
        out.add("<meta charset=\"utf-8\">", "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        out.add("<title>\(HTMLText.escape(title))</title>", "<style>", HTMLText.style, "</style>", "</head>", "<body>")
        sidebar(into: &out)
        out.add("<main>")
        overview(into: &out)
        for file in index.files { fileSection(file, into: &out) }
        typesSection(into: &out)
        let messages = index.files.flatMap { f in
            index.messageSection(of: f).compactMap { if case .message(let m) = $0 { m } else { nil } }
        }
        wellKnownSection(index.wellKnownTypes(in: messages), into: &out)
        out.add("</main>", "<script>", HTMLText.script, "</script>", "</body>", "</html>")
        return out.text
    }

    private var title: String {
        let packages = index.packages.filter { !$0.isEmpty }
        return packages.isEmpty ? "Schema reference" : packages.joined(separator: ", ") + " schema reference"
    }

    // MARK: - Sidebar

    private func sidebar(into out: inout DocsLines) {
        out.add("<nav id=\"docs-toc\" aria-label=\"Contents\">")
        out.add("<p class=\"title\"><a href=\"#docs-overview\">\(HTMLText.escape(title))</a></p>")
        out.add("<input id=\"docs-filter\" type=\"search\" placeholder=\"Filter\" aria-label=\"Filter the contents\" hidden>")
        if !index.services.isEmpty {
            out.add("<details open><summary>Services</summary><ul>")
            for s in index.services {
                let rpcs = s.methods.map { "<li>\(link(s.fullName + "." + $0.name, text: $0.name))</li>" }.joined()
                out.add("<li>\(link(s.fullName, text: s.name))" + (rpcs.isEmpty ? "" : "<ul>\(rpcs)</ul>") + "</li>")
            }
            out.add("</ul></details>")
        }
        out.add("<details open><summary>Files</summary><ul>")
        for f in index.files {
            out.add("<li><a href=\"#\(DocsIndex.fileAnchor(f.path))\">\(HTMLText.escape(f.path))</a></li>")
        }
        out.add("</ul></details>")
        out.add("<details open><summary>Types A–Z</summary><ul>")
        for t in index.allTypes {
            out.add("<li>\(link(t.fullName)) <span class=\"kind\">\(t.kind)</span></li>")
        }
        out.add("</ul></details>", "</nav>")
    }

    // MARK: - Overview

    private func overview(into out: inout DocsLines) {
        out.add("<section id=\"docs-overview\">", "<h1>\(HTMLText.escape(title))</h1>")
        let types = index.files.flatMap { index.types(of: $0) }
        let rpcs = index.services.reduce(0) { $0 + $1.methods.count }
        out.add(
            "<p class=\"meta\">\(count(index.files.count, "file")), \(count(index.services.count, "service")), "
                + "\(count(rpcs, "rpc")), \(count(types.filter { $0.kind == "message" }.count, "message")), "
                + "\(count(types.filter { $0.kind == "enum" }.count, "enum")).</p>")
        if !index.services.isEmpty {
            out.add("<h2 id=\"docs-services\">Services</h2>", "<table>")
            out.add("<tr><th>Service</th><th>File</th><th>RPCs</th><th>Description</th></tr>")
            for s in index.services {
                let file = index.documentedFile(of: s.fullName) ?? ""
                let rpcs = s.methods.map { link(s.fullName + "." + $0.name, text: $0.name) }.joined(separator: ", ")
                out.add(
                    "<tr><td>\(link(s.fullName, text: s.name))\(s.isDeprecated ? " " + HTMLText.deprecatedBadge : "")</td>"
                        + "<td><a href=\"#\(DocsIndex.fileAnchor(file))\">\(HTMLText.escape(file))</a></td>"
                        + "<td>\(rpcs)</td><td>\(HTMLText.cell(DocText(s.comments.docsText).summary))</td></tr>")
            }
            out.add("</table>")
        }
        out.add("<h2 id=\"docs-files\">Files</h2>", "<table>", "<tr><th>File</th><th>Description</th></tr>")
        for f in index.files {
            out.add(
                "<tr><td><a href=\"#\(DocsIndex.fileAnchor(f.path))\">\(HTMLText.escape(f.path))</a></td>"
                    + "<td>\(HTMLText.cell(DocText(f.comments.docsText).summary))</td></tr>")
        }
        out.add("</table>", "</section>")
    }

    // MARK: - Files

    private func fileSection(_ file: ProtoFile, into out: inout DocsLines) {
        out.add("<section class=\"file\" id=\"\(DocsIndex.fileAnchor(file.path))\">")
        let deprecated = DocsIndex.isFileDeprecated(file)
        out.add("<h2>\(HTMLText.escape(file.path))\(deprecated ? " " + HTMLText.deprecatedBadge : "")</h2>")
        let package = file.package.isEmpty ? "(no package)" : file.package
        out.add("<p class=\"meta\">Package \(HTMLText.code(package))</p>")
        let header = HTMLText.blocks(file.comments.docsText)
        if !header.isEmpty { out.add(header) }
        if !file.imports.isEmpty {
            let imports = file.imports.map { imp -> String in
                index.files.contains(where: { $0.path == imp.path })
                    ? "<a href=\"#\(DocsIndex.fileAnchor(imp.path))\">\(HTMLText.escape(imp.path))</a>"
                    : HTMLText.code(imp.path)
            }
            out.add("<p>Imports: \(imports.joined(separator: ", "))</p>")
        }
        let services = index.serviceSection(of: file)
        let messageSection = index.messageSection(of: file)
        let enums = index.enumSection(of: file)
        if !services.isEmpty {
            out.add("<h3 class=\"group\">Services</h3>")
            for s in services { service(s, into: &out) }
        }
        if !messageSection.isEmpty {
            out.add("<h3 class=\"group\">Messages</h3>")
            for element in messageSection {
                switch element {
                case .message(let m): message(m, into: &out)
                case .enumeration(let e): enumeration(e, into: &out)
                case .service: break
                }
            }
        }
        if !enums.isEmpty {
            out.add("<h3 class=\"group\">Enums</h3>")
            for e in enums { enumeration(e, into: &out) }
        }
        if services.isEmpty && messageSection.isEmpty && enums.isEmpty { out.add("<p>This file declares no types.</p>") }
        out.add("</section>")
    }

    private func service(_ s: ServiceDescriptor, into out: inout DocsLines) {
        out.add("<article id=\"\(DocsIndex.anchor(s.fullName))\">")
        out.add("<h3>\(name(s.name, deprecated: s.isDeprecated))</h3>")
        out.add("<p class=\"meta\">\(HTMLText.code(s.fullName)) · service</p>")
        let comment = HTMLText.blocks(s.comments.docsText)
        if !comment.isEmpty { out.add(comment) }
        if s.methods.isEmpty {
            out.add("<p>This service has no rpcs.</p>")
        } else {
            out.add("<table>", "<tr><th>RPC</th><th>Kind</th><th>Request</th><th>Response</th><th>Roles</th></tr>")
            for m in s.methods {
                out.add(
                    "<tr><td>\(link(s.fullName + "." + m.name, text: m.name))"
                        + "\(m.isDeprecated ? " " + HTMLText.deprecatedBadge : "")</td>"
                        + "<td>\(DocsIndex.streamingKind(m))</td>"
                        + "<td>\(m.clientStreaming ? "stream " : "")\(link(m.inputType))</td>"
                        + "<td>\(m.serverStreaming ? "stream " : "")\(link(m.outputType))</td>"
                        + "<td>\(HTMLText.cell(m.rolesText))</td></tr>")
            }
            out.add("</table>")
        }
        for m in s.methods {
            out.add("<div class=\"rpc\" id=\"\(DocsIndex.anchor(s.fullName + "." + m.name))\">")
            out.add("<h4>\(name(m.name, deprecated: m.isDeprecated))</h4>")
            out.add(
                "<p class=\"meta\">\(HTMLText.code(DocsIndex.rpcPath(s, m))) · \(DocsIndex.streamingKind(m))</p>")
            out.add(
                "<p>\(m.clientStreaming ? "stream " : "")\(link(m.inputType)) → "
                    + "\(m.serverStreaming ? "stream " : "")\(link(m.outputType))</p>")
            out.add("<p class=\"roles\">Roles: \(HTMLText.cell(m.rolesText))</p>")
            let comment = HTMLText.blocks(m.docsText)
            if !comment.isEmpty { out.add(comment) }
            out.add("</div>")
        }
        out.add("</article>")
    }

    private func message(_ m: MessageDescriptor, into out: inout DocsLines) {
        out.add("<article id=\"\(DocsIndex.anchor(m.fullName))\">")
        out.add("<h3>\(name(index.displayName(m.fullName), deprecated: m.isDeprecated))</h3>")
        var meta = "\(HTMLText.code(m.fullName)) · message"
        if let parent = index.parentMessage(of: m.fullName) { meta += " · nested in " + link(parent.fullName) }
        out.add("<p class=\"meta\">\(meta)</p>")
        let comment = HTMLText.blocks(m.comments.docsText)
        if !comment.isEmpty { out.add(comment) }
        if m.fields.isEmpty {
            out.add("<p>No fields.</p>")
        } else {
            let hasOneofs = !m.oneofs.isEmpty
            out.add(
                "<table>", "<tr><th>Field</th><th>Number</th><th>Type</th><th>JSON name</th>"
                    + (hasOneofs ? "<th>Oneof</th>" : "") + "<th>Description</th></tr>")
            for f in m.fields {
                var row = "<tr id=\"\(DocsIndex.anchor(m.fullName + "." + f.name))\">"
                row += "<td>\(codeName(f.name, deprecated: f.isDeprecated))</td><td class=\"num\">\(f.number)</td>"
                row += "<td>\(fieldType(f))</td><td>\(HTMLText.code(f.jsonName))</td>"
                if hasOneofs { row += "<td>\(f.oneofIndex.map { HTMLText.code(m.oneofs[$0].name) } ?? "")</td>" }
                row += "<td>\(HTMLText.cell(f.comments.docsText))</td></tr>"
                out.add(row)
            }
            out.add("</table>")
        }
        if !m.oneofs.isEmpty {
            out.add("<ul class=\"oneofs\">")
            for o in m.oneofs {
                let members = o.fieldNumbers.compactMap { m.field(number: $0) }.map { HTMLText.code($0.name) }
                var text = "Oneof \(HTMLText.code(o.name)): at most one of \(members.joined(separator: ", ")) is set."
                let comment = HTMLText.cell(o.comments.docsText)
                if !comment.isEmpty { text += " " + comment }
                out.add("<li>\(text)</li>")
            }
            out.add("</ul>")
        }
        let reserved = reservedText(ranges: m.reservedRanges, names: m.reservedNames)
        if !reserved.isEmpty { out.add("<p>\(reserved)</p>") }
        let nested = (m.nestedMessages + m.nestedEnums).filter { schema.messages[$0] != nil || schema.enums[$0] != nil }
        if !nested.isEmpty { out.add("<p>Nested types: \(nested.map { link($0) }.joined(separator: ", "))</p>") }
        out.add("</article>")
    }

    private func enumeration(_ e: EnumDescriptor, into out: inout DocsLines) {
        out.add("<article id=\"\(DocsIndex.anchor(e.fullName))\">")
        out.add("<h3>\(name(index.displayName(e.fullName), deprecated: e.isDeprecated))</h3>")
        var meta = "\(HTMLText.code(e.fullName)) · enum"
        if let parent = index.parentMessage(of: e.fullName) { meta += " · nested in " + link(parent.fullName) }
        out.add("<p class=\"meta\">\(meta)</p>")
        let comment = HTMLText.blocks(e.comments.docsText)
        if !comment.isEmpty { out.add(comment) }
        out.add("<table>", "<tr><th>Name</th><th>Number</th><th>Description</th></tr>")
        var seen: [Int32: String] = [:]
        for v in e.values {
            var notes: [String] = []
            if let first = seen[v.number] { notes.append("Alias of \(HTMLText.code(first)).") }
            let comment = HTMLText.cell(v.comments.docsText)
            if !comment.isEmpty { notes.append(comment) }
            out.add(
                "<tr id=\"\(DocsIndex.anchor(e.fullName + "." + v.name))\"><td>\(codeName(v.name, deprecated: v.isDeprecated))</td>"
                    + "<td class=\"num\">\(v.number)</td><td>\(notes.joined(separator: " "))</td></tr>")
            if seen[v.number] == nil { seen[v.number] = v.name }
        }
        out.add("</table>")
        let reserved = reservedText(ranges: e.reservedRanges, names: e.reservedNames)
        if !reserved.isEmpty { out.add("<p>\(reserved)</p>") }
        out.add("</article>")
    }

    // MARK: - Types and well-known types

    private func typesSection(into out: inout DocsLines) {
        out.add("<section id=\"docs-types\">", "<h2>All types (A–Z)</h2>", "<table>")
        out.add("<tr><th>Type</th><th>Kind</th><th>File</th><th>Description</th></tr>")
        for t in index.allTypes {
            let comments = schema.messages[t.fullName]?.comments ?? schema.enums[t.fullName]?.comments ?? Comments()
            out.add(
                "<tr><td>\(link(t.fullName))</td><td>\(t.kind)</td>"
                    + "<td><a href=\"#\(DocsIndex.fileAnchor(t.file))\">\(HTMLText.escape(t.file))</a></td>"
                    + "<td>\(HTMLText.cell(DocText(comments.docsText).summary))</td></tr>")
        }
        out.add("</table>", "</section>")
    }

    private func wellKnownSection(_ names: [String], into out: inout DocsLines) {
        guard !names.isEmpty else { return }
        out.add("<section id=\"docs-well-known-types\">", "<h2>Well-known types</h2>")
        out.add("<p>These come with protobuf and are not documented here.</p>", "<ul>")
        for n in names { out.add("<li>\(HTMLText.code(n)): \(HTMLText.inline(DocsIndex.wellKnownNote(n)))</li>") }
        out.add("</ul>", "</section>")
    }

    // MARK: - Pieces

    /// A link to a documented element; well-known and unknown types are plain code with a note.
    private func link(_ fullName: String, text: String? = nil) -> String {
        if index.documentedFile(of: fullName) != nil || isRPC(fullName) {
            return "<a href=\"#\(DocsIndex.anchor(fullName))\">\(HTMLText.escape(text ?? index.displayName(fullName)))</a>"
        }
        if index.isWellKnown(fullName) {
            let note = DocsIndex.wellKnownNote(fullName).replacingOccurrences(of: "`", with: "")
            return "<code class=\"wkt\" title=\"\(HTMLText.escape(note))\">\(HTMLText.escape(fullName))</code>"
                + " <span class=\"kind\">(well-known)</span>"
        }
        return HTMLText.code(fullName)
    }

    private func isRPC(_ fullName: String) -> Bool {
        guard let dot = fullName.lastIndex(of: ".") else { return false }
        let service = String(fullName[..<dot])
        guard let s = schema.services[service], index.documentedFile(of: service) != nil else { return false }
        let method = fullName[fullName.index(after: dot)...]
        return s.methods.contains { $0.name == method }
    }

    private func name(_ text: String, deprecated: Bool) -> String {
        deprecated ? "<del>\(HTMLText.escape(text))</del> \(HTMLText.deprecatedBadge)" : HTMLText.escape(text)
    }

    private func codeName(_ text: String, deprecated: Bool) -> String {
        deprecated ? "<del>\(HTMLText.code(text))</del> \(HTMLText.deprecatedBadge)" : HTMLText.code(text)
    }

    private func fieldType(_ f: FieldDescriptor) -> String {
        let base = typeText(f.type)
        switch f.label {
        case .repeated where !f.isMap: return "repeated " + base
        case .optional: return "optional " + base
        default: return base
        }
    }

    private func typeText(_ t: FieldType) -> String {
        switch t {
        case .scalar(let s): HTMLText.code(s.rawValue)
        case .message(let n), .enumeration(let n): link(n)
        case .map(let k, let v): "map&lt;\(HTMLText.code(k.rawValue)), \(typeText(v))&gt;"
        }
    }

    private func reservedText(ranges: [ReservedRange], names: [String]) -> String {
        DocsIndex.reservedText(ranges: ranges, names: names) { HTMLText.code($0) }
    }

    private func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
