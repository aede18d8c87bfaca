import Testing

@testable import ProtoSchema

/// The `Roles:` line of an rpc's comment: how it is read, what the breaking check
/// and the docs make of it.
@Suite struct RoleDeclarationTests {
    @Test("a Roles line is read with its (own) marks, in order", arguments: [
        ("Does it.\nRoles: merchant (own), reviewer, internal_service.", "merchant (own), reviewer, internal_service"),
        ("Roles: admin", "admin"),
        ("  Roles:   buyer(own) ,admin  .", "buyer (own), admin"),
    ])
    func declared(_ comment: String, _ expected: String) {
        guard case .declared(let declaration) = RoleDeclaration.parse(comment: comment) else {
            Issue.record("not read: \(comment)")
            return
        }
        #expect(declaration.description == expected)
    }

    @Test("unreadable Roles lines say why", arguments: [
        ("Roles:", "names no role"), ("Roles: Admin.", "is not a role"), ("Roles: admin, admin.", "listed twice"),
        ("Roles: admin,, buyer.", "is not a role"), ("Roles: admin.\nRoles: buyer.", "keep one"),
        ("Roles: merchant (all).", "is not a role"),
    ])
    func invalid(_ comment: String, _ why: String) {
        guard case .invalid(let message) = RoleDeclaration.parse(comment: comment) else {
            Issue.record("read: \(comment)")
            return
        }
        #expect(message.contains(why), "\(message)")
    }

    @Test func aCommentWithoutRolesIsUndeclared() {
        #expect(RoleDeclaration.parse(comment: "Gets one.\nThe roles are in the docs.") == .undeclared)
    }

    static let messages = """
        message GetThingRequest {}
        message GetThingResponse {}

        """

    static func service(_ roles: String) -> String {
        "service Things {\n  // Gets one.\n  // Roles: \(roles).\n  rpc GetThing(GetThingRequest) returns (GetThingResponse);\n}\n" + messages
    }

    @Test("the breaking check reports roles removed, narrowed, added and widened")
    func breaking() throws {
        let changes = try BreakingTestSupport.changes(
            Self.service("merchant (own), buyer, admin"), Self.service("merchant, buyer (own), reviewer"))
        #expect(changes.map { "\($0.ruleID) \($0.sortedClasses.map(\.rawValue)) \($0.message)" } == [
            "RPC_ROLE_ADDED [\"ACCESS\"] role merchant no longer limited to its own records",
            "RPC_ROLE_ADDED [\"ACCESS\"] role reviewer added",
            "RPC_ROLE_REMOVED [\"WIRE\", \"JSON\", \"ACCESS\"] role admin removed",
            "RPC_ROLE_REMOVED [\"WIRE\", \"JSON\", \"ACCESS\"] role buyer limited to its own records",
        ])
        #expect(BreakingReport(changes: changes).isBreaking)
        let widened = try BreakingTestSupport.changes(Self.service("admin"), Self.service("admin, reviewer"))
        #expect(!BreakingReport(changes: widened).isBreaking, "a role added fails no caller")
        #expect(BreakingReport(changes: widened, threshold: .source).isBreaking)
        #expect(try BreakingTestSupport.changes(Self.service("admin, reviewer"), Self.service("admin, reviewer")).isEmpty)
    }

    @Test("the docs show every rpc's roles, and the comment without its Roles line")
    func docs() throws {
        let schema = try BreakingTestSupport.schema(
            Self.service("merchant (own), reviewer")
                + "service Others {\n  // Undeclared.\n  rpc Other(GetThingRequest) returns (GetThingResponse);\n}\n")
        let markdown = MarkdownDocs(schema: schema).render().values.joined()
        #expect(markdown.contains("| merchant (own records), reviewer |"))
        #expect(markdown.contains("Roles: merchant (own records), reviewer"))
        #expect(markdown.contains("Roles: none declared: no one may call it"))
        #expect(!markdown.contains("Roles: merchant (own), reviewer."), "the raw line is not repeated as prose")
        let html = HTMLDocs(schema: schema).render()
        #expect(html.contains("<td>merchant (own records), reviewer</td>"))
        #expect(html.contains("<p class=\"roles\">Roles: none declared: no one may call it</p>"))
    }
}
