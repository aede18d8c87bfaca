import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// Rule sets over TCP: an invalid one refused with every problem, a stale version
/// aborted, a version 2 judging only events after its effective time, what-if.
@Suite struct RuleSetEndToEndTests {
    @Test func anInvalidRuleSetIsRefusedNamingEveryProblemAndAStaleVersionIsAborted() async throws {
        try await withServer(at: Time.at(day: 1)) { _, clients in
            let before = try await clients.rules.listRuleSets(ListRuleSetsRequest(), metadata: Principal.admin.metadata, options: callOptions)
            let refused = await refusal {
                try await clients.publish { rules in
                    rules.tiers[1].minScoreMilli = 4_800
                    rules.clocks?.appealWindow = ProtoDuration(seconds: -1, nanos: 0)
                }
            }
            #expect(refused?.0 == .invalidArgument && refused?.1.reason == .ruleSetInvalid)
            let paths = Set(refused?.1.fieldViolations.map(\.fieldPath) ?? [])
            #expect(paths.isSuperset(of: ["rule_set.tiers[1].min_score_milli", "rule_set.clocks.appeal_window"]), "\(paths)")
            let after = try await clients.rules.listRuleSets(ListRuleSetsRequest(), metadata: Principal.admin.metadata, options: callOptions)
            #expect(after.ruleSets == before.ruleSets, "nothing published")
            var validate = ValidateRuleSetRequest()
            validate.ruleSet = try await clients.rules.getRuleSet(GetRuleSetRequest(), metadata: Principal.admin.metadata, options: callOptions).ruleSet
            #expect(try await clients.rules.validateRuleSet(validate, metadata: Principal.admin.metadata, options: callOptions).valid)
            // Version 3 while 1 is the latest: someone else's publication was missed.
            let stale = await refusal { try await clients.publish { $0.version = 3 } }
            #expect(stale?.0 == .aborted && stale?.1.currentRevision == 1)
            let past = await refusal { try await clients.publish(effective: Time.at()) { _ in } }
            #expect(past?.0 == .invalidArgument && past?.1.fieldViolations.first?.fieldPath == "rule_set.effective_at")
        }
    }

    @Test func version2JudgesOnlyEventsAfterItsEffectiveTime() async throws {
        try await withServer(at: Time.at(day: 1)) { server, clients in
            try await clients.report([Feed.merchant("M-1")] + (1...2).map { Feed.order("O-\($0)", buyer: "B-\($0)", merchant: "M-1", paid: Time.at()) })
            let scheduled = try await clients.publish(effective: Time.at(day: 10)) { rules in
                rules.complaintTypes = rules.complaintTypes.map { rule in
                    var rule = rule
                    if rule.type == .fakeReturn { rule.points = 7 }
                    return rule
                }
            }
            #expect(scheduled.version == 2 && scheduled.status == .scheduled && !scheduled.contentSha256.isEmpty)
            let before = try await clients.file(.of(.fakeReturn, order: "O-1", key: "before"), by: "M-1")
            #expect(before.ruleSetVersion == 1)
            server.setTime(Time.at(day: 10))
            var all = ListRuleSetsRequest()
            all.includeSuperseded = true
            try await eventually("the sweeper puts version 2 in force and supersedes version 1") {
                try await clients.rules.listRuleSets(all, metadata: Principal.admin.metadata, options: callOptions).ruleSets.map(\.status)
                    == [.inForce, .superseded]
            }
            #expect(try await clients.rules.getRuleSet(GetRuleSetRequest(), metadata: Principal.admin.metadata, options: callOptions).summary?.version == 2)
            let after = try await clients.file(.of(.fakeReturn, order: "O-2", key: "after"), by: "M-1")
            #expect(after.ruleSetVersion == 2)
            // Each case keeps the rules of its filing, whenever it is decided.
            try await clients.decide(before.complaintId)
            try await clients.decide(after.complaintId)
            #expect(try await clients.record("B-1").entries.map(\.points) == [5])
            #expect(try await clients.record("B-2").entries.map(\.points) == [7])
        }
    }

    @Test func whatIfReportsWhatACandidateWouldChangeAndStoresNothing() async throws {
        try await withServer(at: Time.at(day: 1)) { server, clients in
            try await clients.report([Feed.merchant("M-1"), Feed.merchant("M-2")] + [
                Feed.order("O-1", buyer: "B-1", merchant: "M-1", paid: Time.at()),
                Feed.order("O-2", buyer: "B-1", merchant: "M-2", paid: Time.at()),
            ])
            try await clients.confirmed(.fakeReturn, order: "O-1", merchant: "M-1")
            try await clients.confirmed(.abnormalRefundOnly, order: "O-2", merchant: "M-2")
            let before = try dump(server)
            var candidate = try await clients.rules.getRuleSet(GetRuleSetRequest(), metadata: Principal.admin.metadata, options: callOptions).ruleSet!
            candidate.sanctions?.platformPurchaseLimit?.minActivePoints = 6
            var request = SimulateRuleSetRequest()
            request.candidate = candidate
            let simulated = try await clients.rules.simulateRuleSet(request, metadata: Principal.admin.metadata, options: callOptions)
            #expect(simulated.casesReplayed == 2 && simulated.baselineVersion == 1)
            #expect(simulated.summary?.sanctionsAdded == 1)
            guard case .sanction(let change) = simulated.changes.first?.change else { Issue.record("a sanction change"); return }
            #expect(change.buyerId == "B-1" && change.kind == .platformPurchaseLimit && change.activeAfter && !change.activeBefore)
            #expect(try dump(server) == before, "a what-if stores nothing")
        }
    }
}
