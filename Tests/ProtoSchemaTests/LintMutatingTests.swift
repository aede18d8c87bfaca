import Foundation
import Testing

@testable import ProtoSchema

@Suite("Lint mutating rpcs")
struct LintMutatingTests {
    @Test func thePrefixList() {
        #expect(
            Linter.nonMutatingPrefixes == [
                "Get", "List", "Check", "Assess", "Watch", "Explain", "Quote", "Validate", "Simulate", "Adjudicate",
                "Describe",
            ])
    }

    @Test("every prefix, alone or starting a word, is non-mutating", arguments: Linter.nonMutatingPrefixes)
    func prefixes(_ prefix: String) {
        #expect(!Linter.isMutating(rpcName: prefix))
        #expect(!Linter.isMutating(rpcName: prefix + "Thing"))
        #expect(!Linter.isMutating(rpcName: prefix + "2Things"))
        #expect(Linter.isMutating(rpcName: prefix + "ing"))
        #expect(Linter.isMutating(rpcName: "Do" + prefix))
    }

    @Test(
        "rpc names",
        arguments: [
            ("GetComplaint", false), ("ListComplaints", false), ("CheckOrderAllowed", false), ("AssessReturnRisk", false),
            ("WatchSanctions", false), ("ExplainExperienceScore", false), ("QuoteReturnInsurance", false),
            ("ValidateRuleSet", false), ("SimulateRuleSet", false), ("AdjudicateDispute", false), ("DescribeSchema", false),
            ("FileComplaint", true), ("PublishRuleSet", true), ("RunDueTransitions", true), ("ImportComplaints", true),
            ("Checkout", true), ("Listen", true), ("Getaway", true), ("Described", true), ("CreateThing", true),
            ("getThing", true), ("SetPromotionInsuranceParticipation", true), ("StreamFacts", true),
        ])
    func rpcNames(_ name: String, _ mutating: Bool) {
        #expect(Linter.isMutating(rpcName: name) == mutating)
    }

    /// A documented service with one rpc (line 8) whose request has no idempotency key.
    private func service(_ rpc: String, stream: Bool = false) -> String {
        LintTestSupport.header + """
            // Things.
            service Things {
              // Does it.
              rpc \(rpc)(\(stream ? "stream " : "")\(rpc)Request) returns (\(rpc)Response);
            }
            // The request.
            message \(rpc)Request {
              // Not the key.
              string idempotency = 1;
            }
            // The response.
            message \(rpc)Response {}

            """
    }

    @Test("only mutating rpcs need a key", arguments: ["GetThing", "ListThings", "CheckThing", "DescribeThings", "Checkout", "CreateThing"])
    func idempotencyKey(_ rpc: String) throws {
        let spots = try LintTestSupport.lint(service(rpc), rule: .idempotencyKeyRequired)
        #expect(spots == (Linter.isMutating(rpcName: rpc) ? [LintSpot("test.v1.Things.\(rpc)", 8, 3)] : []))
    }

    @Test func clientStreamingMutatingRPC() throws {
        let spots = try LintTestSupport.lint(service("ImportThings", stream: true), rule: .idempotencyKeyRequired)
        #expect(spots == [LintSpot("test.v1.Things.ImportThings", 8, 3)])
    }

    @Test func repeatedKeyIsNotAKey() throws {
        let source = service("CreateThing").replacingOccurrences(
            of: "string idempotency = 1;", with: "repeated string idempotency_key = 1;")
        let findings = try LintTestSupport.lint(source).filter { $0.ruleID == LintRule.idempotencyKeyRequired.id }
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("must be a singular string") == true)
    }
}
