import Testing

@testable import ProtoSchema

/// One test per rule: a minimal before/after pair, the change it must report
/// (rule, classes, element, line), and the nearby compatible edit it must not.
@Suite("Breaking rules")
struct BreakingRuleTests {
    typealias S = BreakingTestSupport
    typealias Rule = BreakingChecker.RuleID

    // MARK: Files and types

    @Test func packageChanged() throws {
        let body = "message A {\n  string x = 1;\n}\n"
        let found = try S.changes(body, body, newPackage: "t.v2")
        let package = try #require(found.first { $0.ruleID == Rule.packageChanged })
        #expect(package.classes == [.wire, .json, .source])
        #expect(package.element == "test.proto")
        #expect(package.location.line == 2 && package.location.column == 1)
        #expect(package.message == "package changed from \"t.v1\" to \"t.v2\"")
        // The old full names are gone too.
        #expect(found.contains { $0.ruleID == Rule.messageDeleted && $0.element == "t.v1.A" })
        // The same package is nothing.
        #expect(try S.changes(body, body).isEmpty)
    }

    @Test(arguments: [
        // Nothing that survives used B: JSON (Any) and SOURCE only.
        ("message A {\n  string x = 1;\n}\nmessage B {\n}\n", "message A {\n  string x = 1;\n}\n", Set<BreakClass>([.json, .source])),
        // A field that survives used B: WIRE too (its type change is reported separately).
        ("message A {\n  B x = 1;\n}\nmessage B {\n}\n", "message A {\n  string x = 1;\n}\n", Set<BreakClass>([.wire, .json, .source])),
    ])
    func messageDeleted(old: String, new: String, classes: Set<BreakClass>) throws {
        let found = try S.changes(old, new)
        let deleted = try #require(found.first { $0.ruleID == Rule.messageDeleted })
        #expect(deleted.classes == classes)
        #expect(deleted.element == "t.v1.B")
        #expect(deleted.location.line == 6)
        #expect(found.filter { $0.ruleID == Rule.messageDeleted }.count == 1)
    }

    @Test func messageUsedByRPCDeleted() throws {
        let old = "message A {\n}\nmessage B {\n}\nservice S {\n  rpc Get(A) returns (B);\n}\n"
        let new = "message A {\n}\nservice S {\n  rpc Get(A) returns (A);\n}\n"
        let found = try S.changes(old, new)
        #expect(found.map(\.ruleID) == [Rule.messageDeleted, Rule.rpcResponseTypeChanged])
        #expect(found[0].classes == [.wire, .json, .source])
        #expect(found[0].element == "t.v1.B" && found[0].location.line == 5)
    }

    @Test(arguments: [
        ("enum E {\n  E_ZERO = 0;\n}\nmessage A {\n}\n", "message A {\n}\n", Set<BreakClass>([.source])),
        ("enum E {\n  E_ZERO = 0;\n}\nmessage A {\n  E e = 1;\n}\n", "message A {\n  int32 e = 1;\n}\n", Set<BreakClass>([.wire, .json, .source])),
    ])
    func enumDeleted(old: String, new: String, classes: Set<BreakClass>) throws {
        let found = try S.changes(old, new)
        let deleted = try #require(found.first { $0.ruleID == Rule.enumDeleted })
        #expect(deleted.classes == classes)
        #expect(deleted.element == "t.v1.E")
        #expect(deleted.location.line == 3)
    }

    @Test func nestedMessageDeleted() throws {
        let old = "message A {\n  message Inner {\n  }\n}\n"
        let new = "message A {\n}\n"
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.messageDeleted && c.element == "t.v1.A.Inner" && c.location.line == 4)
    }

    // MARK: Services

    static let service = "message A {\n}\nmessage B {\n}\nservice S {\n  rpc Get(A) returns (B);\n  rpc Put(A) returns (B);\n}\n"

    @Test func serviceDeleted() throws {
        let c = try #require(S.single(try S.changes(Self.service, "message A {\n}\nmessage B {\n}\n")))
        #expect(c.ruleID == Rule.serviceDeleted)
        #expect(c.classes == [.wire, .json, .source])
        #expect(c.element == "t.v1.S" && c.location.line == 7)
        // Adding a service is nothing.
        #expect(try S.changes("message A {\n}\nmessage B {\n}\n", Self.service).isEmpty)
    }

    @Test func rpcDeleted() throws {
        let new = "message A {\n}\nmessage B {\n}\nservice S {\n  rpc Get(A) returns (B);\n}\n"
        let c = try #require(S.single(try S.changes(Self.service, new)))
        #expect(c.ruleID == Rule.rpcDeleted)
        #expect(c.classes == [.wire, .json, .source])
        #expect(c.element == "t.v1.S.Put" && c.location.line == 9)
        #expect(try S.changes(new, Self.service).isEmpty)
    }

    @Test func rpcRequestTypeChanged() throws {
        let new = Self.service.replacingOccurrences(of: "rpc Put(A)", with: "rpc Put(B)")
        let c = try #require(S.single(try S.changes(Self.service, new)))
        #expect(c.ruleID == Rule.rpcRequestTypeChanged)
        #expect(c.classes == [.wire, .json, .source])
        #expect(c.element == "t.v1.S.Put" && c.location.line == 9)
        #expect(c.message == "request type changed from t.v1.A to t.v1.B")
    }

    @Test func rpcResponseTypeChanged() throws {
        let new = Self.service.replacingOccurrences(of: "rpc Get(A) returns (B)", with: "rpc Get(A) returns (A)")
        let c = try #require(S.single(try S.changes(Self.service, new)))
        #expect(c.ruleID == Rule.rpcResponseTypeChanged)
        #expect(c.classes == [.wire, .json, .source])
        #expect(c.element == "t.v1.S.Get" && c.location.line == 8)
    }

    @Test(arguments: [
        ("rpc Get(stream A) returns (B)", "client streaming added"),
        ("rpc Get(A) returns (stream B)", "server streaming added"),
        ("rpc Get(stream A) returns (stream B)", "client streaming added, server streaming added"),
    ])
    func rpcStreamingChanged(declaration: String, reason: String) throws {
        let new = Self.service.replacingOccurrences(of: "rpc Get(A) returns (B)", with: declaration)
        let c = try #require(S.single(try S.changes(Self.service, new)))
        #expect(c.ruleID == Rule.rpcStreamingChanged)
        #expect(c.classes == [.wire, .json, .source])
        #expect(c.element == "t.v1.S.Get" && c.location.line == 8)
        #expect(c.message == reason)
        // And back.
        #expect(try S.changes(new, Self.service).map(\.ruleID) == [Rule.rpcStreamingChanged])
    }

    // MARK: Fields

    @Test(arguments: [
        ("", Set<BreakClass>([.wire, .json, .source]), "field 2 deleted"),
        ("  reserved 2;\n", Set<BreakClass>([.json, .source]), "field 2 deleted (number reserved)"),
        ("  reserved \"order_id\";\n", Set<BreakClass>([.wire, .source]), "field 2 deleted (name reserved)"),
        ("  reserved 2;\n  reserved \"order_id\";\n", Set<BreakClass>([.source]), "field 2 deleted (number reserved, name reserved)"),
    ])
    func fieldDeleted(reservation: String, classes: Set<BreakClass>, reason: String) throws {
        let old = "message Complaint {\n  string id = 1;\n  string order_id = 2;\n}\n"
        let new = "message Complaint {\n  string id = 1;\n" + reservation + "}\n"
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.fieldDeleted)
        #expect(c.classes == classes)
        #expect(c.element == "t.v1.Complaint.order_id")
        #expect(c.location.line == 5 && c.location.column == 3 && c.location.file == "test.proto")
        #expect(c.message == reason)
        // Reserving both number and name passes the default threshold.
        let passesJSON = classes == [.source]
        #expect(BreakingReport(changes: [c], threshold: .json).isBreaking == !passesJSON)
    }

    @Test func fieldNumberChanged() throws {
        let old = "message A {\n  string id = 1;\n  string name = 2;\n}\n"
        let new = "message A {\n  string id = 1;\n  string name = 7;\n}\n"
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.fieldNumberChanged)
        #expect(c.classes == [.wire])
        #expect(c.element == "t.v1.A.name" && c.location.line == 5)
        #expect(c.message == "field number changed from 2 to 7")
    }

    @Test(arguments: [
        ("string order_ref = 2;", Set<BreakClass>([.json, .source])),
        // json_name keeps the JSON name: only the Swift API changes.
        ("string order_ref = 2 [json_name = \"orderId\"];", Set<BreakClass>([.source])),
    ])
    func fieldRenamed(declaration: String, classes: Set<BreakClass>) throws {
        let old = "message A {\n  string id = 1;\n  string order_id = 2;\n}\n"
        let new = "message A {\n  string id = 1;\n  \(declaration)\n}\n"
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.fieldRenamed)
        #expect(c.classes == classes)
        #expect(c.element == "t.v1.A.order_ref" && c.location.line == 5)
        #expect(c.message.hasPrefix("field 2 renamed from order_id to order_ref"))
    }

    @Test func fieldJSONNameChanged() throws {
        let old = "message A {\n  string order_id = 1;\n}\n"
        let new = "message A {\n  string order_id = 1 [json_name = \"order\"];\n}\n"
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.fieldJSONNameChanged)
        #expect(c.classes == [.json])
        #expect(c.element == "t.v1.A.order_id" && c.location.line == 4)
        #expect(c.message == "JSON name changed from \"orderId\" to \"order\"")
        // A json_name equal to the default changes nothing.
        #expect(try S.changes(old, "message A {\n  string order_id = 1 [json_name = \"orderId\"];\n}\n").isEmpty)
    }

    @Test(arguments: [
        // Wire-compatible widenings still change JSON and Swift.
        ("int32", "int64", Set<BreakClass>([.json, .source])),
        ("uint32", "uint64", Set<BreakClass>([.json, .source])),
        ("int32", "bool", Set<BreakClass>([.json, .source])),
        ("sint32", "sint64", Set<BreakClass>([.json, .source])),
        ("fixed32", "sfixed32", Set<BreakClass>([.json, .source])),
        ("fixed64", "sfixed64", Set<BreakClass>([.json, .source])),
        ("string", "bytes", Set<BreakClass>([.json, .source])),
        ("E", "int32", Set<BreakClass>([.json, .source])),
        ("uint64", "E", Set<BreakClass>([.json, .source])),
        ("E", "F", Set<BreakClass>([.json, .source])),
        // Same JSON and Swift value, other encoding.
        ("int32", "sint32", Set<BreakClass>([.wire])),
        ("int64", "sfixed64", Set<BreakClass>([.wire])),
        ("uint32", "fixed32", Set<BreakClass>([.wire])),
        // Incompatible.
        ("bytes", "string", Set<BreakClass>([.wire, .json, .source])),
        ("int32", "string", Set<BreakClass>([.wire, .json, .source])),
        ("double", "float", Set<BreakClass>([.wire, .json, .source])),
        ("sint32", "int32", Set<BreakClass>([.wire])),
        ("E", "sint32", Set<BreakClass>([.wire, .json, .source])),
        ("M", "N", Set<BreakClass>([.wire, .json, .source])),
        ("bytes", "M", Set<BreakClass>([.wire, .json, .source])),
        ("map<string, int32>", "map<string, int64>", Set<BreakClass>([.json, .source])),
        ("map<string, int32>", "map<string, sint32>", Set<BreakClass>([.wire])),
        ("map<int32, string>", "map<string, string>", Set<BreakClass>([.wire, .json, .source])),
        ("map<string, M>", "map<string, N>", Set<BreakClass>([.wire, .json, .source])),
        ("repeated int32", "repeated int64", Set<BreakClass>([.json, .source])),
    ])
    func fieldTypeChanged(from: String, to: String, classes: Set<BreakClass>) throws {
        let types = "enum E {\n  E_ZERO = 0;\n}\nenum F {\n  F_ZERO = 0;\n}\nmessage M {\n}\nmessage N {\n}\n"
        let old = "message A {\n  \(from) value = 1;\n}\n" + types
        let new = "message A {\n  \(to) value = 1;\n}\n" + types
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.fieldTypeChanged)
        #expect(c.classes == classes)
        #expect(c.element == "t.v1.A.value" && c.location.line == 4)
    }

    @Test(arguments: [
        ("int32", "optional int32", Set<BreakClass>([.source])),
        ("optional E", "E", Set<BreakClass>([.source])),
        ("int32", "repeated int32", Set<BreakClass>([.wire, .json, .source])),
        ("repeated E", "E", Set<BreakClass>([.wire, .json, .source])),
        ("repeated int32 ", "int32", Set<BreakClass>([.wire, .json, .source])),
        ("string", "repeated string", Set<BreakClass>([.json, .source])),
        ("M", "repeated M", Set<BreakClass>([.json, .source])),
        ("map<string, int32>", "repeated Entry", Set<BreakClass>([.json, .source])),
        ("map<string, int32>", "repeated M", Set<BreakClass>([.wire, .json, .source])),
        ("map<string, int32>", "string", Set<BreakClass>([.wire, .json, .source])),
    ])
    func fieldCardinalityChanged(from: String, to: String, classes: Set<BreakClass>) throws {
        let types = "enum E {\n  E_ZERO = 0;\n}\nmessage M {\n}\nmessage Entry {\n  string key = 1;\n  int32 value = 2;\n}\n"
        let old = "message A {\n  \(from) value = 1;\n}\n" + types
        let new = "message A {\n  \(to) value = 1;\n}\n" + types
        let found = try S.changes(old, new)
        let c = try #require(found.first { $0.ruleID == Rule.fieldCardinalityChanged })
        #expect(c.classes == classes)
        #expect(c.element == "t.v1.A.value" && c.location.line == 4)
    }

    @Test(arguments: [
        // Unpacked repeated numbers read as a single value and back.
        ("repeated int32 value = 1 [packed = false];", "int32 value = 1;", Set<BreakClass>([.json, .source])),
        // Message fields have presence either way: nothing changes.
        ("M value = 1;", "optional M value = 1;", Set<BreakClass>()),
    ])
    func fieldCardinalityNuances(from: String, to: String, classes: Set<BreakClass>) throws {
        let old = "message A {\n  \(from)\n}\nmessage M {\n}\n"
        let new = "message A {\n  \(to)\n}\nmessage M {\n}\n"
        let found = try S.changes(old, new)
        #expect(found.map(\.ruleID) == (classes.isEmpty ? [] : [Rule.fieldCardinalityChanged]))
        #expect(found.first?.classes ?? [] == classes)
    }

    @Test(arguments: [
        // Alone into a new oneof: safe on the wire.
        (
            "message A {\n  string a = 1;\n  string b = 2;\n}\n",
            "message A {\n  string a = 1;\n  oneof choice {\n    string b = 2;\n  }\n}\n",
            Set<BreakClass>([.source]), 6, "moved into oneof choice"
        ),
        // Out of a oneof.
        (
            "message A {\n  oneof choice {\n    string a = 1;\n    string b = 2;\n  }\n}\n",
            "message A {\n  string a = 1;\n  oneof choice {\n    string b = 2;\n  }\n}\n",
            Set<BreakClass>([.source]), 4, "moved out of oneof choice"
        ),
        // Into a oneof next to a field that was outside it: data setting both breaks.
        (
            "message A {\n  string a = 1;\n  oneof choice {\n    string b = 2;\n  }\n}\n",
            "message A {\n  oneof choice {\n    string a = 1;\n    string b = 2;\n  }\n}\n",
            Set<BreakClass>([.wire, .json, .source]), 5, "moved into oneof choice alongside existing field b"
        ),
    ])
    func fieldOneofChanged(old: String, new: String, classes: Set<BreakClass>, line: Int, reason: String) throws {
        let found = try S.changes(old, new)
        let c = try #require(S.single(found))
        #expect(c.ruleID == Rule.fieldOneofChanged)
        #expect(c.classes == classes)
        #expect(c.location.line == line)
        #expect(c.message == reason)
    }

    @Test func oneofRenamedIsSourceOnly() throws {
        let old = "message A {\n  oneof choice {\n    string a = 1;\n    string b = 2;\n  }\n}\n"
        let new = "message A {\n  oneof pick {\n    string a = 1;\n    string b = 2;\n  }\n}\n"
        let found = try S.changes(old, new)
        #expect(found.map(\.ruleID) == [Rule.fieldOneofChanged, Rule.fieldOneofChanged])
        #expect(found.allSatisfy { $0.classes == [.source] })
        // A new field joining an existing oneof is an addition.
        let added = "message A {\n  oneof choice {\n    string a = 1;\n    string b = 2;\n    string c = 3;\n  }\n}\n"
        #expect(try S.changes(old, added).isEmpty)
    }

    // MARK: Enum values

    @Test(arguments: [
        ("", Set<BreakClass>([.wire, .json, .source])),
        ("  reserved 2;\n", Set<BreakClass>([.json, .source])),
        ("  reserved \"COLOR_BLUE\";\n", Set<BreakClass>([.wire, .source])),
        ("  reserved 2;\n  reserved \"COLOR_BLUE\";\n", Set<BreakClass>([.source])),
    ])
    func enumValueDeleted(reservation: String, classes: Set<BreakClass>) throws {
        let old = "enum Color {\n  COLOR_UNSPECIFIED = 0;\n  COLOR_RED = 1;\n  COLOR_BLUE = 2;\n}\n"
        let new = "enum Color {\n  COLOR_UNSPECIFIED = 0;\n  COLOR_RED = 1;\n" + reservation + "}\n"
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.enumValueDeleted)
        #expect(c.classes == classes)
        #expect(c.element == "t.v1.Color.COLOR_BLUE")
        #expect(c.location.line == 6 && c.location.column == 3)
        #expect(BreakingReport(changes: [c]).isBreaking == (classes != [.source]))
    }

    @Test func enumValueNumberChanged() throws {
        let old = "enum Color {\n  COLOR_UNSPECIFIED = 0;\n  COLOR_RED = 1;\n}\n"
        let new = "enum Color {\n  COLOR_UNSPECIFIED = 0;\n  COLOR_RED = 5;\n}\n"
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.enumValueNumberChanged)
        #expect(c.classes == [.wire])
        #expect(c.element == "t.v1.Color.COLOR_RED" && c.location.line == 5)
        #expect(c.message == "enum value number changed from 1 to 5")
    }

    @Test func enumValueRenamed() throws {
        let old = "enum Color {\n  COLOR_UNSPECIFIED = 0;\n  COLOR_RED = 1;\n}\n"
        let new = "enum Color {\n  COLOR_UNSPECIFIED = 0;\n  COLOR_CRIMSON = 1;\n}\n"
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.enumValueRenamed)
        #expect(c.classes == [.json, .source])
        #expect(c.element == "t.v1.Color.COLOR_CRIMSON" && c.location.line == 5)
        #expect(c.message == "enum value 1 renamed from COLOR_RED to COLOR_CRIMSON")
        // Adding an alias keeps every old name: nothing.
        let alias = "option allow_alias = true;\n  COLOR_UNSPECIFIED = 0;\n  COLOR_RED = 1;\n  COLOR_CRIMSON = 1;\n"
        #expect(try S.changes(old, "enum Color {\n  \(alias)}\n").isEmpty)
        // Dropping the alias again loses a name.
        let lost = try #require(S.single(try S.changes("enum Color {\n  \(alias)}\n", old)))
        #expect(lost.ruleID == Rule.enumValueRenamed && lost.classes == [.json, .source])
        #expect(lost.element == "t.v1.Color.COLOR_CRIMSON" && lost.location.line == 7)
        #expect(lost.message == "enum value 1 lost its alias COLOR_CRIMSON")
    }

    // MARK: Reservations

    @Test(arguments: [
        ("reserved 5 to 10;", "reserved 5 to 8;", "reserved numbers 9 to 10 no longer reserved"),
        ("reserved 5, 7;", "reserved 5;", "reserved number 7 no longer reserved"),
        ("reserved 5 to max;", "reserved 5 to 100;", "reserved numbers 101 to 536870911 no longer reserved"),
        ("reserved 5 to 10;", "reserved 5, 10;", "reserved numbers 6 to 9 no longer reserved"),
    ])
    func reservedRangeRemoved(from: String, to: String, reason: String) throws {
        let old = "message A {\n  string id = 1;\n  \(from)\n}\n"
        let new = "message A {\n  string id = 1;\n  \(to)\n}\n"
        let found = try S.changes(old, new)
        #expect(found.map(\.ruleID) == found.map { _ in Rule.reservedRangeRemoved })
        let c = try #require(found.first)
        #expect(c.classes == [.wire])
        #expect(c.element == "t.v1.A" && c.location.line == 3)
        #expect(found.map(\.message).contains(reason))
    }

    @Test(arguments: [
        ("reserved 5 to 10;", "reserved 5 to 7, 8 to 10;"),
        ("reserved 5 to 10;", "reserved 3 to 20;"),
        ("reserved 5;", "reserved 5, 6;"),
        ("reserved \"a\";", "reserved \"a\", \"b\";"),
    ])
    func reservationsKeptOrWidened(from: String, to: String) throws {
        let old = "message A {\n  string id = 1;\n  \(from)\n}\n"
        let new = "message A {\n  string id = 1;\n  \(to)\n}\n"
        #expect(try S.changes(old, new).isEmpty)
    }

    @Test func reservedNameRemoved() throws {
        let old = "message A {\n  string id = 1;\n  reserved \"legacy\";\n}\nenum E {\n  E_ZERO = 0;\n  reserved \"E_OLD\";\n}\n"
        let new = "message A {\n  string id = 1;\n}\nenum E {\n  E_ZERO = 0;\n}\n"
        let found = try S.changes(old, new)
        #expect(found.map(\.ruleID) == [Rule.reservedNameRemoved, Rule.reservedNameRemoved])
        #expect(found.allSatisfy { $0.classes == [.json] })
        #expect(found.map(\.element) == ["t.v1.A", "t.v1.E"])
        #expect(found.map(\.location.line) == [3, 6])
        #expect(found[0].message == "reserved name \"legacy\" no longer reserved")
    }

    @Test func enumReservedRangeRemoved() throws {
        let old = "enum E {\n  E_ZERO = 0;\n  reserved 3 to 4;\n}\n"
        let new = "enum E {\n  E_ZERO = 0;\n  E_THREE = 3;\n}\n"
        let c = try #require(S.single(try S.changes(old, new)))
        #expect(c.ruleID == Rule.reservedRangeRemoved && c.classes == [.wire] && c.element == "t.v1.E")
    }

    // MARK: Compatible edits

    static let base = """
        import "other.proto";
        message A {
          // The id.
          string id = 1;
          repeated int32 counts = 2;
          reserved 9;
        }
        enum E {
          E_ZERO = 0;
        }
        service S {
          rpc Get(A) returns (A);
        }

        """

    @Test(arguments: [
        ("field", base.replacingOccurrences(of: "  reserved 9;", with: "  reserved 9;\n  string note = 3;")),
        ("enum value", base.replacingOccurrences(of: "  E_ZERO = 0;", with: "  E_ZERO = 0;\n  E_ONE = 1;")),
        ("message", base + "message B {\n  A a = 1;\n}\n"),
        ("nested message", base.replacingOccurrences(of: "message A {", with: "message A {\n  message Inner {\n  }")),
        ("enum", base + "enum F {\n  F_ZERO = 0;\n}\n"),
        ("service", base + "service T {\n  rpc Get(A) returns (A);\n}\n"),
        ("rpc", base.replacingOccurrences(of: "  rpc Get(A) returns (A);", with: "  rpc Get(A) returns (A);\n  rpc Put(A) returns (A);")),
        ("reservation", base.replacingOccurrences(of: "  reserved 9;", with: "  reserved 9, 10 to 12;\n  reserved \"gone\";")),
        ("packed toggle", base.replacingOccurrences(of: "counts = 2;", with: "counts = 2 [packed = false];")),
        ("comment and deprecation", base.replacingOccurrences(of: "  // The id.\n  string id = 1;", with: "  string id = 1 [deprecated = true]; // Kept.")),
        ("file", base + "import \"extra.proto\";\n"),
    ])
    func additionsAreNotBreaking(kind: String, new: String) throws {
        let other = "syntax = \"proto3\";\npackage t.v1;\nmessage O {\n}\n"
        let extra = "syntax = \"proto3\";\npackage t.v1;\nmessage X {\n}\n"
        var newSources: [(path: String, source: String)] = [("test.proto", S.file(new)), ("other.proto", other)]
        if new.contains("extra.proto") { newSources.append(("extra.proto", extra)) }
        let old = try SchemaLoader.load(sources: [("test.proto", S.file(Self.base)), ("other.proto", other)])
        let found = BreakingChecker.compare(old: old, new: try SchemaLoader.load(sources: newSources))
        #expect(found.isEmpty, "\(kind): \(found.map(\.description))")
    }

    @Test func movingATypeToAnotherFileIsNotBreaking() throws {
        let old = try SchemaLoader.load(sources: [
            ("a.proto", "syntax = \"proto3\";\npackage t.v1;\nmessage A {\n  string id = 1;\n}\nmessage B {\n}\n"),
        ])
        let new = try SchemaLoader.load(sources: [
            ("a.proto", "syntax = \"proto3\";\npackage t.v1;\nimport \"b.proto\";\nmessage A {\n  string id = 1;\n}\n"),
            ("b.proto", "syntax = \"proto3\";\npackage t.v1;\nmessage B {\n}\n"),
        ])
        #expect(BreakingChecker.compare(old: old, new: new).isEmpty)
    }

    // MARK: The rule table

    @Test func ruleTableIsComplete() {
        let ids = BreakingChecker.rules.map(\.id)
        #expect(Set(ids).count == ids.count)
        for rule in BreakingChecker.rules {
            #expect(rule.id.allSatisfy { $0.isUppercase || $0 == "_" }, "\(rule.id) is not SCREAMING_SNAKE")
            #expect(!rule.classes.isEmpty && !rule.summary.isEmpty)
        }
        // Every rule exercised above.
        let tested: Set<String> = [
            Rule.packageChanged, Rule.messageDeleted, Rule.enumDeleted, Rule.serviceDeleted, Rule.rpcDeleted,
            Rule.rpcRequestTypeChanged, Rule.rpcResponseTypeChanged, Rule.rpcStreamingChanged, Rule.fieldDeleted,
            Rule.fieldNumberChanged, Rule.fieldRenamed, Rule.fieldJSONNameChanged, Rule.fieldTypeChanged,
            Rule.fieldCardinalityChanged, Rule.fieldOneofChanged, Rule.enumValueDeleted, Rule.enumValueNumberChanged,
            Rule.enumValueRenamed, Rule.reservedRangeRemoved, Rule.reservedNameRemoved,
            // RoleDeclarationTests.breaking:
            Rule.rpcRoleRemoved, Rule.rpcRoleAdded,
        ]
        #expect(Set(ids) == tested)
    }
}
