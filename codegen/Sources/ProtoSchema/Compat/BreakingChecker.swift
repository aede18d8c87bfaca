/// Compares two versions of a schema and lists the changes that break
/// existing peers or code. Elements are matched by full name (messages,
/// enums, services), fields by number within their message (or by name when
/// only the number changed), enum values by number, rpcs by name. Additions
/// never count. See `rules` for every rule and its classes.
public enum BreakingChecker {
    /// Every breaking change from `old` to `new`, sorted by file, line and rule id.
    /// Well-known types (`google/protobuf/...`) are not compared.
    public static func compare(old: Schema, new: Schema) -> [BreakingChange] {
        var comparison = Comparison(old: old, new: new)
        comparison.run()
        return comparison.changes.sorted(by: BreakingChange.precedes)
    }

    /// Pairs `old`'s fields with `new`'s: by number, else by name when the
    /// name moved to a number the old message did not use.
    static func matchFields(
        old: MessageDescriptor, new: MessageDescriptor
    ) -> (pairs: [(old: FieldDescriptor, new: FieldDescriptor)], deleted: [FieldDescriptor]) {
        var pairs: [(old: FieldDescriptor, new: FieldDescriptor)] = []
        var deleted: [FieldDescriptor] = []
        for f in old.fieldsByNumber {
            if let g = new.field(number: f.number) {
                pairs.append((f, g))
            } else if let g = new.field(named: f.name), old.field(number: g.number) == nil {
                pairs.append((f, g))
            } else {
                deleted.append(f)
            }
        }
        return (pairs, deleted)
    }
}

/// One run of the checker: both schemas and the changes found so far.
private struct Comparison {
    typealias Rule = BreakingChecker.RuleID

    let old: Schema
    let new: Schema
    var changes: [BreakingChange] = []
    /// Messages and enums of the old schema used by a field or rpc that still exists in the new one.
    let usedBySurvivors: Set<String>

    init(old: Schema, new: Schema) {
        self.old = old
        self.new = new
        self.usedBySurvivors = Self.typesUsedBySurvivors(old: old, new: new)
    }

    mutating func run() {
        comparePackages()
        for name in ownNames(old.messages.keys, in: old) {
            let m = old.messages[name]!
            if let n = new.messages[name] {
                compareMessage(m, n)
            } else {
                var classes: Set<BreakClass> = [.json, .source]
                if usedBySurvivors.contains(name) { classes.insert(.wire) }
                add(Rule.messageDeleted, classes, m.location, name, "message deleted" + usedNote(name))
            }
        }
        for name in ownNames(old.enums.keys, in: old) {
            let e = old.enums[name]!
            if let n = new.enums[name] {
                compareEnum(e, n)
            } else {
                var classes: Set<BreakClass> = [.source]
                if usedBySurvivors.contains(name) { classes.formUnion([.wire, .json]) }
                add(Rule.enumDeleted, classes, e.location, name, "enum deleted" + usedNote(name))
            }
        }
        for name in ownNames(old.services.keys, in: old) {
            let s = old.services[name]!
            if let n = new.services[name] {
                compareService(s, n)
            } else {
                add(Rule.serviceDeleted, [.wire, .json, .source], s.location, name,
                    "service deleted with its \(s.methods.count) rpc\(s.methods.count == 1 ? "" : "s")")
            }
        }
    }

    mutating func add(_ rule: String, _ classes: Set<BreakClass>, _ location: SourceLocation, _ element: String, _ message: String) {
        guard !classes.isEmpty else { return }
        changes.append(BreakingChange(ruleID: rule, classes: classes, location: location, element: element, message: message))
    }

    /// Full names declared outside the well-known files, sorted.
    func ownNames(_ names: Dictionary<String, some Any>.Keys, in schema: Schema) -> [String] {
        names.filter { name in
            guard let file = schema.fileOfElement[name] else { return true }
            return !Schema.isWellKnown(file: file)
        }.sorted()
    }

    func usedNote(_ name: String) -> String {
        usedBySurvivors.contains(name) ? " while a surviving field or rpc used it" : ""
    }

    // MARK: Files

    mutating func comparePackages() {
        let newFiles = Dictionary(new.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for f in old.files where !Schema.isWellKnown(file: f.path) {
            guard let g = newFiles[f.path], g.package != f.package else { continue }
            add(Rule.packageChanged, [.wire, .json, .source], Self.packageLocation(g), g.path,
                "package changed from \(Self.quoted(f.package)) to \(Self.quoted(g.package))")
        }
    }

    static func quoted(_ package: String) -> String { package.isEmpty ? "(none)" : "\"\(package)\"" }

    /// The `package` statement in a file's source (1:1 when there is none).
    static func packageLocation(_ file: ProtoFile) -> SourceLocation {
        var lineNumber = 0
        for line in file.source.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("package"), let next = trimmed.dropFirst(7).first, next == " " || next == "\t" {
                return SourceLocation(file: file.path, line: lineNumber, column: line.count - trimmed.count + 1)
            }
        }
        return SourceLocation(file: file.path, line: 1, column: 1)
    }

    // MARK: Messages

    mutating func compareMessage(_ m: MessageDescriptor, _ n: MessageDescriptor) {
        let (pairs, deleted) = BreakingChecker.matchFields(old: m, new: n)
        for f in deleted {
            var classes: Set<BreakClass> = [.wire, .json, .source]
            var kept: [String] = []
            if n.reservedRanges.contains(where: { $0.contains(f.number) }) {
                classes.remove(.wire)
                kept.append("number reserved")
            }
            if n.reservedNames.contains(f.name) {
                classes.remove(.json)
                kept.append("name reserved")
            }
            let note = kept.isEmpty ? "" : " (\(kept.joined(separator: ", ")))"
            add(Rule.fieldDeleted, classes, f.location, m.fullName + "." + f.name, "field \(f.number) deleted" + note)
        }
        for (f, g) in pairs { compareField(f, g, m, n) }
        compareReserved(m.fullName, n.location, old: (m.reservedRanges, m.reservedNames), new: (n.reservedRanges, n.reservedNames))
    }

    mutating func compareField(_ f: FieldDescriptor, _ g: FieldDescriptor, _ m: MessageDescriptor, _ n: MessageDescriptor) {
        let element = n.fullName + "." + g.name
        if f.number != g.number {
            add(Rule.fieldNumberChanged, [.wire], g.location, element, "field number changed from \(f.number) to \(g.number)")
        }
        if f.name != g.name {
            let classes: Set<BreakClass> = f.jsonName == g.jsonName ? [.source] : [.json, .source]
            let json = f.jsonName == g.jsonName ? "; JSON name \"\(g.jsonName)\" kept" : "; JSON name \"\(f.jsonName)\" is now \"\(g.jsonName)\""
            add(Rule.fieldRenamed, classes, g.location, element, "field \(g.number) renamed from \(f.name) to \(g.name)" + json)
        } else if f.jsonName != g.jsonName {
            add(Rule.fieldJSONNameChanged, [.json], g.location, element, "JSON name changed from \"\(f.jsonName)\" to \"\(g.jsonName)\"")
        }
        let typeClasses = FieldCompatibility.typeChange(f.type, g.type)
        if !typeClasses.isEmpty {
            add(Rule.fieldTypeChanged, typeClasses, g.location, element,
                "type changed from \(FieldCompatibility.describe(f.type)) to \(FieldCompatibility.describe(g.type))")
        }
        if let c = FieldCompatibility.cardinalityChange(old: f, new: g, oldSchema: old, newSchema: new) {
            add(Rule.fieldCardinalityChanged, c.classes, g.location, element, c.reason)
        }
        if let c = FieldCompatibility.oneofChange(old: f, oldMessage: m, new: g, newMessage: n) {
            add(Rule.fieldOneofChanged, c.classes, g.location, element, c.reason)
        }
    }

    // MARK: Reservations

    mutating func compareReserved(
        _ element: String, _ location: SourceLocation,
        old: (ranges: [ReservedRange], names: [String]), new: (ranges: [ReservedRange], names: [String])
    ) {
        for r in old.ranges.sorted(by: { $0.lower < $1.lower }) {
            let freed = Self.uncovered(r, by: new.ranges)
            if freed.isEmpty { continue }
            let text = freed.map { $0.lower == $0.upper ? "\($0.lower)" : "\($0.lower) to \($0.upper)" }.joined(separator: ", ")
            add(Rule.reservedRangeRemoved, [.wire], location, element, "reserved number\(freed.count == 1 && freed[0].lower == freed[0].upper ? "" : "s") \(text) no longer reserved")
        }
        let kept = Set(new.names)
        for name in old.names where !kept.contains(name) {
            add(Rule.reservedNameRemoved, [.json], location, element, "reserved name \"\(name)\" no longer reserved")
        }
    }

    /// The parts of `range` that no range in `cover` includes.
    static func uncovered(_ range: ReservedRange, by cover: [ReservedRange]) -> [(lower: Int, upper: Int)] {
        var out: [(lower: Int, upper: Int)] = []
        var next = range.lower
        for c in cover.sorted(by: { $0.lower < $1.lower }) where c.upper >= next {
            if next > range.upper { break }
            if c.lower > range.upper { break }
            if c.lower > next { out.append((next, c.lower - 1)) }
            next = max(next, c.upper + 1)
        }
        if next <= range.upper { out.append((next, range.upper)) }
        return out
    }

    // MARK: Enums

    mutating func compareEnum(_ e: EnumDescriptor, _ n: EnumDescriptor) {
        var numbers: [Int32] = []
        for v in e.values where !numbers.contains(v.number) { numbers.append(v.number) }
        for number in numbers.sorted() {
            let oldNames = e.values.filter { $0.number == number }
            let newNames = n.values.filter { $0.number == number }
            let first = oldNames[0]
            if newNames.isEmpty {
                if let moved = n.value(named: first.name), e.value(number: moved.number) == nil {
                    add(Rule.enumValueNumberChanged, [.wire], moved.location, e.fullName + "." + moved.name,
                        "enum value number changed from \(number) to \(moved.number)")
                    continue
                }
                var classes: Set<BreakClass> = [.wire, .json, .source]
                var kept: [String] = []
                if n.reservedRanges.contains(where: { $0.contains(Int(number)) }) {
                    classes.remove(.wire)
                    kept.append("number reserved")
                }
                if n.reservedNames.contains(first.name) {
                    classes.remove(.json)
                    kept.append("name reserved")
                }
                let note = kept.isEmpty ? "" : " (\(kept.joined(separator: ", ")))"
                add(Rule.enumValueDeleted, classes, first.location, e.fullName + "." + first.name, "enum value \(number) deleted" + note)
                continue
            }
            let now = Set(newNames.map(\.name))
            guard let lost = oldNames.first(where: { !now.contains($0.name) }) else { continue }
            let before = Set(oldNames.map(\.name))
            if let replacement = newNames.first(where: { !before.contains($0.name) }) {
                add(Rule.enumValueRenamed, [.json, .source], replacement.location, e.fullName + "." + replacement.name,
                    "enum value \(number) renamed from \(lost.name) to \(replacement.name)")
            } else {
                // An alias dropped: the name no longer exists, so point at the old one.
                add(Rule.enumValueRenamed, [.json, .source], lost.location, e.fullName + "." + lost.name,
                    "enum value \(number) lost its alias \(lost.name)")
            }
        }
        compareReserved(e.fullName, n.location, old: (e.reservedRanges, e.reservedNames), new: (n.reservedRanges, n.reservedNames))
    }

    // MARK: Services

    mutating func compareService(_ s: ServiceDescriptor, _ n: ServiceDescriptor) {
        for m in s.methods {
            let element = s.fullName + "." + m.name
            guard let k = n.methods.first(where: { $0.name == m.name }) else {
                add(Rule.rpcDeleted, [.wire, .json, .source], m.location, element, "rpc deleted")
                continue
            }
            if m.inputType != k.inputType {
                add(Rule.rpcRequestTypeChanged, [.wire, .json, .source], k.location, element,
                    "request type changed from \(m.inputType) to \(k.inputType)")
            }
            if m.outputType != k.outputType {
                add(Rule.rpcResponseTypeChanged, [.wire, .json, .source], k.location, element,
                    "response type changed from \(m.outputType) to \(k.outputType)")
            }
            var streaming: [String] = []
            if m.clientStreaming != k.clientStreaming {
                streaming.append("client streaming \(k.clientStreaming ? "added" : "removed")")
            }
            if m.serverStreaming != k.serverStreaming {
                streaming.append("server streaming \(k.serverStreaming ? "added" : "removed")")
            }
            if !streaming.isEmpty {
                add(Rule.rpcStreamingChanged, [.wire, .json, .source], k.location, element, streaming.joined(separator: ", "))
            }
            compareRoles(old: m, new: k, element: element)
        }
    }

    /// RPC_ROLE_REMOVED and RPC_ROLE_ADDED, one change per role. An rpc without a
    /// readable declaration grants no role.
    mutating func compareRoles(old m: MethodDescriptor, new k: MethodDescriptor, element: String) {
        func grants(_ d: MethodDescriptor) -> [RoleDeclaration.Grant] {
            if case .declared(let declaration) = d.roleDeclaration { return declaration.grants }
            return []
        }
        let before = grants(m)
        let after = grants(k)
        for g in before {
            guard let now = after.first(where: { $0.role == g.role }) else {
                add(Rule.rpcRoleRemoved, [.wire, .json, .access], k.location, element, "role \(g.role) removed")
                continue
            }
            if now.ownRecordsOnly != g.ownRecordsOnly {
                now.ownRecordsOnly
                    ? add(Rule.rpcRoleRemoved, [.wire, .json, .access], k.location, element,
                        "role \(g.role) limited to its own records")
                    : add(Rule.rpcRoleAdded, [.access], k.location, element, "role \(g.role) no longer limited to its own records")
            }
        }
        for g in after where !before.contains(where: { $0.role == g.role }) {
            add(Rule.rpcRoleAdded, [.access], k.location, element, "role \(g.role)\(g.ownRecordsOnly ? " (own)" : "") added")
        }
    }

    // MARK: References

    /// Old messages and enums that a field or rpc present in both schemas refers to.
    static func typesUsedBySurvivors(old: Schema, new: Schema) -> Set<String> {
        var used: Set<String> = []
        func note(_ t: FieldType) {
            switch t {
            case .message(let n), .enumeration(let n): used.insert(n)
            case .map(_, let v): note(v)
            case .scalar: break
            }
        }
        for (name, m) in old.messages {
            guard let n = new.messages[name] else { continue }
            for (f, _) in BreakingChecker.matchFields(old: m, new: n).pairs { note(f.type) }
        }
        // Map entries are not listed as messages; their value types are reached through the map field.
        for (name, s) in old.services {
            guard let n = new.services[name] else { continue }
            for m in s.methods where n.methods.contains(where: { $0.name == m.name }) {
                used.insert(m.inputType)
                used.insert(m.outputType)
            }
        }
        return used
    }
}
