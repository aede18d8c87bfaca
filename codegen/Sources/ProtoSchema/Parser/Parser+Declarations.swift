/// Messages, fields, oneofs, enums, services and `extend` blocks.
extension Parser {
    // MARK: - Messages

    mutating func parseMessage() throws(SyntaxError) -> ASTMessage {
        let kwIndex = index
        let kw = tok
        advance()
        let nameTok = try expectIdentifier("message name")
        let openIndex = index
        try expectSymbol("{")
        var message = ASTMessage(name: nameTok.text, nameLocation: location(nameTok), location: location(kw))
        message.comments = Comments(leading: leadingComments(at: kwIndex), trailing: trailingComment(after: openIndex))
        parseBlock(of: "message \"\(nameTok.text)\"") { (p: inout Parser) throws(SyntaxError) in
            try p.messageStatement(&message)
        }
        if message.comments.trailing.isEmpty, index > 0, tokens[index - 1].isSymbol("}") {
            message.comments.trailing = trailingComment(after: index - 1)
        }
        return message
    }

    /// Runs `statement` until the closing `}` (consumed), recovering from errors.
    mutating func parseBlock(of what: String, _ statement: (inout Parser) throws(SyntaxError) -> Void) {
        while !tok.isSymbol("}") {
            if atEnd {
                error("expected \"}\" to close \(what), found end of file", at: location(tok))
                return
            }
            if consumeSymbol(";") { continue }
            do {
                try statement(&self)
            } catch {
                recover()
            }
        }
        advance()
    }

    private mutating func messageStatement(_ message: inout ASTMessage) throws(SyntaxError) {
        switch tok.kind == .identifier ? tok.text : "" {
        case "message":
            message.messages.append(try parseMessage())
        case "enum":
            message.enums.append(try parseEnum())
        case "oneof":
            try parseOneof(into: &message)
        case "option":
            message.options.append(try parseOptionStatement())
        case "reserved":
            try parseReserved(into: &message.reserved, isEnum: false)
        case "extensions":
            throw fail("extension ranges are not allowed in proto3", at: tok)
        case "extend":
            try parseExtend()
        case "" where !tok.isSymbol("."):
            throw fail(expected: "a field, message, enum, oneof, option or reserved statement")
        default:
            message.fields.append(try parseField(oneofIndex: nil))
        }
    }

    // MARK: - Fields

    /// `[label] type name = number [options];` or `map<K, V> name = number [options];`
    mutating func parseField(oneofIndex: Int?) throws(SyntaxError) -> ASTField {
        let startIndex = index
        let start = tok
        var label = ASTLabel.none
        var labelLocation: SourceLocation?
        if tok.kind == .identifier, nextTok.kind == .identifier || nextTok.isSymbol(".") {
            switch tok.text {
            case "optional": label = .optional
            case "repeated": label = .repeated
            case "required": label = .required
            default: break
            }
            if label != .none {
                labelLocation = location(tok)
                advance()
            }
        }
        if label == .required {
            error("required fields are not allowed in proto3", at: labelLocation ?? location(start))
        }
        if tok.isIdentifier("group") {
            throw fail("groups are not supported in proto3", at: tok)
        }
        let type: ASTFieldType
        if tok.isIdentifier("map"), nextTok.isSymbol("<") {
            advance()
            advance()
            let key = try typeReference("map key type")
            try expectSymbol(",")
            if tok.isIdentifier("map"), nextTok.isSymbol("<") {
                throw fail("map values cannot themselves be maps", at: tok)
            }
            let value = try typeReference("map value type")
            try expectSymbol(">")
            type = .map(key: key, value: value)
        } else {
            type = .named(try typeReference("field type"))
        }
        let nameTok = try expectIdentifier("field name")
        try expectSymbol("=")
        let numberTok = tok
        let number = try signedInteger("field number")
        var options: [OptionValue] = []
        if tok.isSymbol("[") { options = try parseOptionList() }
        if tok.isSymbol("{") { throw fail("groups are not supported in proto3", at: tok) }
        let semiIndex = index
        try expectSymbol(";")
        return ASTField(
            name: nameTok.text, nameLocation: location(nameTok), number: number, numberLocation: location(numberTok),
            label: label, labelLocation: labelLocation, type: type, oneofIndex: oneofIndex, options: options,
            comments: Comments(leading: leadingComments(at: startIndex), trailing: trailingComment(after: semiIndex)),
            location: location(start))
    }

    /// A scalar keyword or a type name (`Foo`, `Foo.Bar`, `.pkg.Foo`).
    mutating func typeReference(_ what: String) throws(SyntaxError) -> ASTTypeRef {
        let start = tok
        var name = ""
        if consumeSymbol(".") { name = "." }
        name += try fullIdent(what)
        return ASTTypeRef(name: name, location: location(start))
    }

    private mutating func parseOneof(into message: inout ASTMessage) throws(SyntaxError) {
        let kwIndex = index
        let kw = tok
        advance()
        let nameTok = try expectIdentifier("oneof name")
        let openIndex = index
        try expectSymbol("{")
        let oneofIndex = message.oneofs.count
        var oneof = ASTOneof(
            name: nameTok.text, nameLocation: location(nameTok), options: [],
            comments: Comments(leading: leadingComments(at: kwIndex), trailing: trailingComment(after: openIndex)),
            location: location(kw))
        var fields: [ASTField] = []
        parseBlock(of: "oneof \"\(nameTok.text)\"") { (p: inout Parser) throws(SyntaxError) in
            if p.tok.isIdentifier("option") {
                oneof.options.append(try p.parseOptionStatement())
                return
            }
            guard p.tok.kind == .identifier || p.tok.isSymbol(".") else {
                throw p.fail(expected: "a field or option in oneof \"\(nameTok.text)\"")
            }
            let field = try p.parseField(oneofIndex: oneofIndex)
            switch field.label {
            case .optional:
                p.error(
                    "\"optional\" is not allowed inside oneof \"\(nameTok.text)\": oneof members already have presence",
                    at: field.labelLocation ?? field.location)
            case .repeated:
                p.error(
                    "oneof \"\(nameTok.text)\" cannot contain repeated fields: wrap them in a message",
                    at: field.labelLocation ?? field.location)
            case .none, .required:
                break
            }
            if case .map = field.type {
                p.error("map fields are not allowed in oneofs", at: field.location)
            }
            fields.append(field)
        }
        if fields.isEmpty {
            error("oneof \"\(nameTok.text)\" must have at least one field", at: location(kw))
        }
        message.oneofs.append(oneof)
        message.fields.append(contentsOf: fields)
    }

    /// `reserved 1, 2 to 5, 9 to max;` or `reserved "a", "b";`
    mutating func parseReserved(into reserved: inout ASTReserved, isEnum: Bool) throws(SyntaxError) {
        advance()
        if tok.kind == .string {
            repeat {
                let t = tok
                let name = try expectString("reserved name")
                reserved.names.append((name, location(t)))
            } while consumeSymbol(",")
        } else if tok.kind == .identifier {
            throw fail("reserved names must be quoted strings in proto3 (reserved \"\(tok.text)\";)", at: tok)
        } else {
            let max = isEnum ? Int(Int32.max) : 536_870_911
            repeat {
                let t = tok
                let lower = try signedInteger("reserved number or name")
                var upper = lower
                if tok.isIdentifier("to") {
                    advance()
                    if tok.isIdentifier("max") {
                        upper = max
                        advance()
                    } else {
                        upper = try signedInteger("upper bound of reserved range or \"max\"")
                    }
                }
                reserved.ranges.append(ReservedRange(lower: lower, upper: upper, location: location(t)))
            } while consumeSymbol(",")
        }
        try expectSymbol(";")
    }

    // MARK: - Enums

    mutating func parseEnum() throws(SyntaxError) -> ASTEnum {
        let kwIndex = index
        let kw = tok
        advance()
        let nameTok = try expectIdentifier("enum name")
        let openIndex = index
        try expectSymbol("{")
        var e = ASTEnum(name: nameTok.text, nameLocation: location(nameTok), location: location(kw))
        e.comments = Comments(leading: leadingComments(at: kwIndex), trailing: trailingComment(after: openIndex))
        parseBlock(of: "enum \"\(nameTok.text)\"") { (p: inout Parser) throws(SyntaxError) in
            switch p.tok.kind == .identifier ? p.tok.text : "" {
            case "option":
                e.options.append(try p.parseOptionStatement())
            case "reserved":
                try p.parseReserved(into: &e.reserved, isEnum: true)
            case "":
                throw p.fail(expected: "an enum value, option or reserved statement")
            default:
                e.values.append(try p.parseEnumValue())
            }
        }
        if e.comments.trailing.isEmpty, index > 0, tokens[index - 1].isSymbol("}") {
            e.comments.trailing = trailingComment(after: index - 1)
        }
        return e
    }

    private mutating func parseEnumValue() throws(SyntaxError) -> ASTEnumValue {
        let startIndex = index
        let nameTok = try expectIdentifier("enum value name")
        try expectSymbol("=")
        let numberTok = tok
        let number = try signedInteger("enum value number")
        var options: [OptionValue] = []
        if tok.isSymbol("[") { options = try parseOptionList() }
        let semiIndex = index
        try expectSymbol(";")
        return ASTEnumValue(
            name: nameTok.text, number: number, numberLocation: location(numberTok), options: options,
            comments: Comments(leading: leadingComments(at: startIndex), trailing: trailingComment(after: semiIndex)),
            location: location(nameTok))
    }

    // MARK: - Services

    mutating func parseService() throws(SyntaxError) -> ASTService {
        let kwIndex = index
        let kw = tok
        advance()
        let nameTok = try expectIdentifier("service name")
        let openIndex = index
        try expectSymbol("{")
        var service = ASTService(name: nameTok.text, nameLocation: location(nameTok), location: location(kw))
        service.comments = Comments(leading: leadingComments(at: kwIndex), trailing: trailingComment(after: openIndex))
        parseBlock(of: "service \"\(nameTok.text)\"") { (p: inout Parser) throws(SyntaxError) in
            if p.tok.isIdentifier("option") {
                service.options.append(try p.parseOptionStatement())
            } else if p.tok.isIdentifier("rpc") {
                service.methods.append(try p.parseMethod())
            } else {
                throw p.fail(expected: "\"rpc\" or \"option\" in service \"\(nameTok.text)\"")
            }
        }
        if service.comments.trailing.isEmpty, index > 0, tokens[index - 1].isSymbol("}") {
            service.comments.trailing = trailingComment(after: index - 1)
        }
        return service
    }

    private mutating func parseMethod() throws(SyntaxError) -> ASTMethod {
        let kwIndex = index
        let kw = tok
        advance()
        let nameTok = try expectIdentifier("rpc name")
        try expectSymbol("(")
        let clientStreaming = consumeStream()
        let input = try typeReference("request message type")
        try expectSymbol(")")
        try expectKeyword("returns")
        try expectSymbol("(")
        let serverStreaming = consumeStream()
        let output = try typeReference("response message type")
        try expectSymbol(")")
        var options: [OptionValue] = []
        var trailing = ""
        if tok.isSymbol("{") {
            trailing = trailingComment(after: index)
            advance()
            parseBlock(of: "rpc \"\(nameTok.text)\"") { (p: inout Parser) throws(SyntaxError) in
                guard p.tok.isIdentifier("option") else { throw p.fail(expected: "\"option\" or \"}\"") }
                options.append(try p.parseOptionStatement())
            }
            if trailing.isEmpty { trailing = trailingComment(after: index - 1) }
            if tok.isSymbol(";") {
                if trailing.isEmpty { trailing = trailingComment(after: index) }
                advance()
            }
        } else {
            let semiIndex = index
            try expectSymbol(";")
            trailing = trailingComment(after: semiIndex)
        }
        return ASTMethod(
            name: nameTok.text, nameLocation: location(nameTok), input: input, output: output,
            clientStreaming: clientStreaming, serverStreaming: serverStreaming, options: options,
            comments: Comments(leading: leadingComments(at: kwIndex), trailing: trailing), location: location(kw))
    }

    /// `stream` before a type (but not a type named `stream`).
    private mutating func consumeStream() -> Bool {
        guard tok.isIdentifier("stream"), nextTok.kind == .identifier || nextTok.isSymbol(".") else { return false }
        advance()
        return true
    }

    // MARK: - Extend

    /// `extend Foo { fields }`: proto3 allows it only to declare custom
    /// options; it is parsed for syntax and otherwise ignored.
    mutating func parseExtend() throws(SyntaxError) {
        advance()
        _ = try typeReference("extended type name")
        try expectSymbol("{")
        parseBlock(of: "extend block") { (p: inout Parser) throws(SyntaxError) in
            _ = try p.parseField(oneofIndex: nil)
        }
    }
}
