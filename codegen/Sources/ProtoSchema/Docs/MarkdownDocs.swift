/// Renders the schema as Markdown: `README.md` (the index) and one page per
/// proto file. Anchors are explicit `<a id="…"></a>` tags named by
/// `DocsIndex.anchor`, so links work on GitHub-style renderers and match the
/// ids of the HTML page.
struct MarkdownDocs {
    let index: DocsIndex
    private var schema: Schema { index.schema }

    init(schema: Schema) { index = DocsIndex(schema: schema) }

    func render() -> [String: String] {
        var pages: [String: String] = ["README.md": readme()]
        for file in index.files { pages[DocsIndex.pageName(file.path)] = page(file) }
        return pages
    }

    // MARK: - Index

    func readme() -> String {
        var out = DocsLines()
        out.add(SchemaDocs.generatedMarker, "")
        out.add("# Schema reference", "")
        let messages = index.files.flatMap { index.types(of: $0) }
        let rpcs = index.services.reduce(0) { $0 + $1.methods.count }
        let packages = index.packages.map { MarkdownText.code($0.isEmpty ? "(no package)" : $0) }
        out.add(
            "Package\(packages.count == 1 ? "" : "s") \(packages.joined(separator: ", ")): "
                + "\(count(index.files.count, "file")), \(count(index.services.count, "service")), "
                + "\(count(rpcs, "rpc")), \(count(messages.filter { $0.kind == "message" }.count, "message")), "
                + "\(count(messages.filter { $0.kind == "enum" }.count, "enum")). One page per proto file.", "")

        if !index.services.isEmpty {
            out.add("## Services", "")
            for service in index.services {
                out.add("### " + link(service.fullName, from: nil, text: service.name), "")
                let summary = DocText(service.comments.docsText).summary
                if service.isDeprecated { out.add("**Deprecated.**", "") }
                if !summary.isEmpty { out.add(MarkdownText.inline(summary), "") }
                rpcTable(service, from: nil, into: &out)
            }
        }

        out.add("## Files", "")
        for file in index.files {
            out.add("### [\(MarkdownText.escape(file.path))](\(DocsIndex.pageName(file.path)))", "")
            if DocsIndex.isFileDeprecated(file) { out.add("**Deprecated.**", "") }
            let summary = DocText(file.comments.docsText).summary
            if !summary.isEmpty { out.add(MarkdownText.inline(summary), "") }
            let services = index.serviceSection(of: file).map { link($0.fullName, from: nil) }
            let types = index.types(of: file)
            let messages = types.filter { $0.kind == "message" }.map { link($0.fullName, from: nil) }
            let enums = types.filter { $0.kind == "enum" }.map { link($0.fullName, from: nil) }
            if !services.isEmpty { out.add("- Services: " + services.joined(separator: ", ")) }
            if !messages.isEmpty { out.add("- Messages: " + messages.joined(separator: ", ")) }
            if !enums.isEmpty { out.add("- Enums: " + enums.joined(separator: ", ")) }
            if !(services.isEmpty && messages.isEmpty && enums.isEmpty) { out.add("") }
        }

        out.add("## All types (A–Z)", "")
        out.add(MarkdownText.row(["Type", "Kind", "File", "Description"]), "| --- | --- | --- | --- |")
        for t in index.allTypes {
            let comments = schema.messages[t.fullName]?.comments ?? schema.enums[t.fullName]?.comments ?? Comments()
            out.add(
                MarkdownText.row([
                    link(t.fullName, from: nil), t.kind,
                    "[\(MarkdownText.escape(t.file, inTable: true))](\(DocsIndex.pageName(t.file)))",
                    MarkdownText.cell(DocText(comments.docsText).summary),
                ]))
        }
        out.add("")

        let ownMessages = index.files.flatMap { f in
            index.messageSection(of: f).compactMap { if case .message(let m) = $0 { m } else { nil } }
        }
        wellKnownSection(index.wellKnownTypes(in: ownMessages), into: &out)
        return out.text
    }

    // MARK: - File pages

    func page(_ file: ProtoFile) -> String {
        let here = DocsIndex.pageName(file.path)
        var out = DocsLines()
        out.add(SchemaDocs.generatedMarker, "")
        out.add("# " + MarkdownText.escape(file.path), "")
        let package = file.package.isEmpty ? "(no package)" : file.package
        out.add("Package \(MarkdownText.code(package)) · [Index](README.md)", "")
        if DocsIndex.isFileDeprecated(file) { out.add("**Deprecated.**", "") }
        let header = MarkdownText.prose(file.comments.docsText)
        if !header.isEmpty { out.add(header, "") }
        if !file.imports.isEmpty {
            let imports = file.imports.map { imp -> String in
                if index.files.contains(where: { $0.path == imp.path }) {
                    return "[\(MarkdownText.escape(imp.path))](\(DocsIndex.pageName(imp.path)))"
                }
                return MarkdownText.code(imp.path)
            }
            out.add("Imports: " + imports.joined(separator: ", "), "")
        }

        let services = index.serviceSection(of: file)
        let messageSection = index.messageSection(of: file)
        let enums = index.enumSection(of: file)
        let types = index.types(of: file)
        out.add("## Contents", "")
        if !services.isEmpty {
            out.add("- Services: " + services.map { link($0.fullName, from: here) }.joined(separator: ", "))
        }
        let messageLinks = types.filter { $0.kind == "message" }.map { link($0.fullName, from: here) }
        let enumLinks = types.filter { $0.kind == "enum" }.map { link($0.fullName, from: here) }
        if !messageLinks.isEmpty { out.add("- Messages: " + messageLinks.joined(separator: ", ")) }
        if !enumLinks.isEmpty { out.add("- Enums: " + enumLinks.joined(separator: ", ")) }
        if services.isEmpty && messageLinks.isEmpty && enumLinks.isEmpty { out.add("This file declares no types.") }
        out.add("")

        if !services.isEmpty {
            out.add("## Services", "")
            for s in services { service(s, from: here, into: &out) }
        }
        if !messageSection.isEmpty {
            out.add("## Messages", "")
            for element in messageSection {
                switch element {
                case .message(let m): message(m, from: here, into: &out)
                case .enumeration(let e): enumeration(e, from: here, into: &out)
                case .service: break
                }
            }
        }
        if !enums.isEmpty {
            out.add("## Enums", "")
            for e in enums { enumeration(e, from: here, into: &out) }
        }
        let messages = messageSection.compactMap { if case .message(let m) = $0 { m } else { nil } }
        wellKnownSection(index.wellKnownTypes(in: messages), into: &out)
        return out.text
    }

    private func service(_ s: ServiceDescriptor, from here: String, into out: inout DocsLines) {
        out.add(heading(3, s.fullName, s.name, deprecated: s.isDeprecated), "")
        out.add("\(MarkdownText.code(s.fullName)) · service", "")
        if s.isDeprecated { out.add("**Deprecated.**", "") }
        let comment = MarkdownText.prose(s.comments.docsText)
        if !comment.isEmpty { out.add(comment, "") }
        rpcTable(s, from: here, into: &out)
        for m in s.methods {
            out.add(heading(4, s.fullName + "." + m.name, m.name, deprecated: m.isDeprecated), "")
            out.add("\(MarkdownText.code(DocsIndex.rpcPath(s, m))) · \(DocsIndex.streamingKind(m))", "")
            out.add(
                (m.clientStreaming ? "stream " : "") + link(m.inputType, from: here) + " → "
                    + (m.serverStreaming ? "stream " : "") + link(m.outputType, from: here), "")
            if m.isDeprecated { out.add("**Deprecated.**", "") }
            out.add("Roles: " + MarkdownText.prose(m.rolesText), "")
            let comment = MarkdownText.prose(m.docsText)
            if !comment.isEmpty { out.add(comment, "") }
        }
    }

    private func rpcTable(_ s: ServiceDescriptor, from here: String?, into out: inout DocsLines) {
        guard !s.methods.isEmpty else {
            out.add("This service has no rpcs.", "")
            return
        }
        out.add(MarkdownText.row(["RPC", "Kind", "Request", "Response", "Roles"]), "| --- | --- | --- | --- | --- |")
        for m in s.methods {
            let name = link(s.fullName + "." + m.name, from: here, text: m.name)
            out.add(
                MarkdownText.row([
                    m.isDeprecated ? "~~\(name)~~ **Deprecated**" : name, DocsIndex.streamingKind(m),
                    (m.clientStreaming ? "stream " : "") + link(m.inputType, from: here),
                    (m.serverStreaming ? "stream " : "") + link(m.outputType, from: here),
                    MarkdownText.cell(m.rolesText),
                ]))
        }
        out.add("")
    }

    private func message(_ m: MessageDescriptor, from here: String, into out: inout DocsLines) {
        out.add(heading(3, m.fullName, index.displayName(m.fullName), deprecated: m.isDeprecated), "")
        var line = "\(MarkdownText.code(m.fullName)) · message"
        if let parent = index.parentMessage(of: m.fullName) { line += " · nested in " + link(parent.fullName, from: here) }
        out.add(line, "")
        if m.isDeprecated { out.add("**Deprecated.**", "") }
        let comment = MarkdownText.prose(m.comments.docsText)
        if !comment.isEmpty { out.add(comment, "") }

        if m.fields.isEmpty {
            out.add("No fields.", "")
        } else {
            let hasOneofs = !m.oneofs.isEmpty
            var header = ["Field", "Number", "Type", "JSON name"]
            if hasOneofs { header.append("Oneof") }
            header.append("Description")
            out.add(MarkdownText.row(header))
            out.add("| --- | ---: | --- | --- |" + (hasOneofs ? " --- |" : "") + " --- |")
            for f in m.fields {
                let anchor = "<a id=\"\(DocsIndex.anchor(m.fullName + "." + f.name))\"></a>"
                let name = MarkdownText.code(f.name, inTable: true)
                var cells = [
                    anchor + (f.isDeprecated ? "~~\(name)~~" : name), String(f.number), fieldType(f, from: here),
                    MarkdownText.code(f.jsonName, inTable: true),
                ]
                if hasOneofs {
                    cells.append(f.oneofIndex.map { MarkdownText.code(m.oneofs[$0].name, inTable: true) } ?? "")
                }
                var description = MarkdownText.cell(f.comments.docsText)
                if f.isDeprecated { description = "**Deprecated.**" + (description.isEmpty ? "" : " " + description) }
                cells.append(description)
                out.add(MarkdownText.row(cells))
            }
            out.add("")
        }

        for o in m.oneofs {
            let members = o.fieldNumbers.compactMap { m.field(number: $0) }.map { MarkdownText.code($0.name) }
            var text = "Oneof \(MarkdownText.code(o.name)): at most one of \(members.joined(separator: ", ")) is set."
            let comment = DocText(o.comments.docsText)
            if !comment.isEmpty { text += " " + MarkdownText.cell(o.comments.docsText) }
            out.add("- " + text)
        }
        if !m.oneofs.isEmpty { out.add("") }

        let reserved = reservedText(ranges: m.reservedRanges, names: m.reservedNames)
        if !reserved.isEmpty { out.add(reserved, "") }

        let nested = (m.nestedMessages + m.nestedEnums).filter {
            schema.messages[$0] != nil || schema.enums[$0] != nil
        }
        if !nested.isEmpty {
            out.add("Nested types: " + nested.map { link($0, from: here) }.joined(separator: ", "), "")
        }
    }

    private func enumeration(_ e: EnumDescriptor, from here: String, into out: inout DocsLines) {
        out.add(heading(3, e.fullName, index.displayName(e.fullName), deprecated: e.isDeprecated), "")
        var line = "\(MarkdownText.code(e.fullName)) · enum"
        if let parent = index.parentMessage(of: e.fullName) { line += " · nested in " + link(parent.fullName, from: here) }
        out.add(line, "")
        if e.isDeprecated { out.add("**Deprecated.**", "") }
        let comment = MarkdownText.prose(e.comments.docsText)
        if !comment.isEmpty { out.add(comment, "") }
        out.add(MarkdownText.row(["Name", "Number", "Description"]), "| --- | ---: | --- |")
        var seen: [Int32: String] = [:]
        for v in e.values {
            let anchor = "<a id=\"\(DocsIndex.anchor(e.fullName + "." + v.name))\"></a>"
            let name = MarkdownText.code(v.name, inTable: true)
            var notes: [String] = []
            if v.isDeprecated { notes.append("**Deprecated.**") }
            if let first = seen[v.number] { notes.append("Alias of \(MarkdownText.code(first, inTable: true)).") }
            let comment = MarkdownText.cell(v.comments.docsText)
            if !comment.isEmpty { notes.append(comment) }
            out.add(
                MarkdownText.row([
                    anchor + (v.isDeprecated ? "~~\(name)~~" : name), String(v.number), notes.joined(separator: " "),
                ]))
            if seen[v.number] == nil { seen[v.number] = v.name }
        }
        out.add("")
        let reserved = reservedText(ranges: e.reservedRanges, names: e.reservedNames)
        if !reserved.isEmpty { out.add(reserved, "") }
    }

    private func wellKnownSection(_ names: [String], into out: inout DocsLines) {
        guard !names.isEmpty else { return }
        out.add("## Well-known types", "")
        out.add("These come with protobuf and are not documented here.", "")
        for name in names { out.add("- \(MarkdownText.code(name)): \(MarkdownText.inline(DocsIndex.wellKnownNote(name)))") }
        out.add("")
    }

    // MARK: - Pieces

    private func heading(_ level: Int, _ fullName: String, _ text: String, deprecated: Bool) -> String {
        let title = MarkdownText.escape(text)
        return String(repeating: "#", count: level) + " <a id=\"\(DocsIndex.anchor(fullName))\"></a>"
            + (deprecated ? "~~\(title)~~" : title)
    }

    /// A link to a message, enum, service or rpc; well-known and unknown types are plain code.
    /// `from` is the page the link is on (`nil`: the index).
    func link(_ fullName: String, from here: String?, text: String? = nil) -> String {
        let owner = index.documentedFile(of: fullName) ?? serviceFile(ofRPC: fullName)
        guard let owner else {
            return MarkdownText.code(fullName, inTable: true) + (index.isWellKnown(fullName) ? " *(well-known)*" : "")
        }
        let page = DocsIndex.pageName(owner)
        let target = (page == here ? "" : page) + "#" + DocsIndex.anchor(fullName)
        return "[\(MarkdownText.escape(text ?? index.displayName(fullName), inTable: true))](\(target))"
    }

    private func serviceFile(ofRPC fullName: String) -> String? {
        guard let dot = fullName.lastIndex(of: ".") else { return nil }
        let service = String(fullName[..<dot])
        guard schema.services[service] != nil else { return nil }
        return index.documentedFile(of: service)
    }

    private func fieldType(_ f: FieldDescriptor, from here: String) -> String {
        let base = typeText(f.type, from: here)
        switch f.label {
        case .repeated where !f.isMap: return "repeated " + base
        case .optional: return "optional " + base
        default: return base
        }
    }

    private func typeText(_ t: FieldType, from here: String) -> String {
        switch t {
        case .scalar(let s): MarkdownText.code(s.rawValue, inTable: true)
        case .message(let n), .enumeration(let n): link(n, from: here)
        case .map(let k, let v): "map&lt;\(MarkdownText.code(k.rawValue, inTable: true)), \(typeText(v, from: here))&gt;"
        }
    }

    private func reservedText(ranges: [ReservedRange], names: [String]) -> String {
        DocsIndex.reservedText(ranges: ranges, names: names) { MarkdownText.code($0) }
    }

    private func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}

/// Collects output lines.
struct DocsLines {
    private(set) var lines: [String] = []
    mutating func add(_ items: String...) { lines.append(contentsOf: items) }
    /// The text with exactly one trailing newline.
    var text: String {
        var l = lines
        while l.last?.isEmpty == true { l.removeLast() }
        return l.joined(separator: "\n") + "\n"
    }
}
