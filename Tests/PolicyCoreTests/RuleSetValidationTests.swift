import Foundation
import DefaultRules
import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

@Suite struct RuleSetValidationTests {
    static let defaults: RuleSet = try! DefaultRuleSet.load()

    @Test func theDefaultLoadsAndIsValid() throws {
        let rules = Self.defaults
        #expect(rules.version == 1)
        #expect(rules.currency == "CNY")
        #expect(rules.rollout?.stage == .pilot && rules.rollout?.pilotMinScoreMilli == 4_800)
        #expect(rules.tiers.map(\.minScoreMilli) == [4_800, 4_500, 0])
        #expect(rules.disputes?.packs.filter(\.draft).map(\.industry) == [.electronics3c, .fmcg, .prelovedLuxury])
        let problems = RuleSetValidation.problems(in: rules)
        #expect(problems.isEmpty, "\(problems.map { "\($0.fieldPath): \($0.message)" })")
    }

    @Test func theDefaultSurvivesBinaryAndJSONRoundTrips() throws {
        let rules = Self.defaults
        #expect(try RuleSet(serializedBytes: rules.serializedBytes()) == rules)
        #expect(try DefaultRuleSet.decode(json: JSONEncoder().encode(rules)) == rules)
    }

    /// One broken field each, and the path the problem must name.
    static let broken: [(String, String, @Sendable (inout RuleSet) -> Void)] = [
        ("a negative window", "clocks.review_clock", { $0.clocks?.reviewClock = ProtoDuration(seconds: -1, nanos: 0) }),
        ("a zero window", "price_errors.report_window", { $0.priceErrors?.reportWindow = ProtoDuration(seconds: 0, nanos: 0) }),
        ("a missing clock", "clocks.appeal_window", { $0.clocks?.appealWindow = nil }),
        ("an unknown industry", "disputes.packs.industry[0]", { $0.disputes?.packs[0].industry = .UNRECOGNIZED(42) }),
        ("an industry twice", "disputes.packs.industry[2]", { $0.disputes?.packs[2].industry = .jewelry }),
        ("overlapping tiers", "tiers[1].min_score_milli", { $0.tiers[1].minScoreMilli = 4_800 }),
        ("tiers out of order", "tiers[1].min_score_milli", { $0.tiers[1].minScoreMilli = 4_900 }),
        ("a gap under the lowest tier", "tiers[2].min_score_milli", { $0.tiers[2].minScoreMilli = 1_000 }),
        ("a tier twice", "tiers.tier[2]", { $0.tiers[2].tier = .b }),
        ("the ladder out of order", "sanctions.after_sales_auto_reject.min_active_points", {
            $0.sanctions?.afterSalesAutoReject?.minActivePoints = 10
        }),
        ("a platform limit capped below its base", "sanctions.platform_purchase_limit.max_duration", {
            $0.sanctions?.platformPurchaseLimit?.maxDuration = ProtoDuration(seconds: 86_400, nanos: 0)
        }),
        ("a complaint type without a rule", "complaint_types", { $0.complaintTypes.removeLast() }),
        ("negative points", "complaint_types[0].points", { $0.complaintTypes[0].points = -2 }),
        ("a requirement asking for nothing", "complaint_types[0].required_evidence[0].min_items", {
            $0.complaintTypes[0].requiredEvidence[0].minItems = 0
        }),
        ("weights not summing to 100%", "experience_score.weights", { $0.experienceScore?.weights[0].weightBp = 2_500 }),
        ("premium steps out of order", "insurance.premium_steps[1].return_rate_below_bp", {
            $0.insurance?.premiumSteps[1].returnRateBelowBp = 400
        }),
        ("a premium in another currency", "insurance.payout_cap.currency", { $0.insurance?.payoutCap?.currency = "USD" }),
        ("compensation bounds crossed", "price_errors.compensation_min", {
            $0.priceErrors?.compensationMin?.amountMinor = 6_000
        }),
        ("a rule id twice", "disputes.packs[1].rules[0].rule_id", {
            $0.disputes?.packs[1].rules[0].ruleId = "dispute.apparel.care_label_washing"
        }),
        ("a dispute rule of no kind", "disputes.packs[0].rules[0].kind", { $0.disputes?.packs[0].rules[0].kind = nil }),
        ("risk levels out of order", "return_risk", { $0.returnRisk?.mediumMinScore = 70 }),
        ("no rollout stage", "rollout.stage", { $0.rollout?.stage = .unspecified }),
        ("version 0", "version", { $0.version = 0 }),
    ]

    @Test(arguments: Self.broken.indices)
    func aBrokenRuleSetIsRefusedNamingTheField(index: Int) {
        let (what, path, breakIt) = Self.broken[index]
        var rules = Self.defaults
        breakIt(&rules)
        let problems = RuleSetValidation.problems(in: rules)
        #expect(problems.contains { $0.fieldPath == path && $0.severity == .error }, "\(what): \(problems.map(\.fieldPath))")
        #expect(!RuleSetValidation.isValid(rules), "\(what)")
    }

    @Test func everyProblemIsListedAtOnce() {
        var rules = Self.defaults
        for (_, _, breakIt) in Self.broken { breakIt(&rules) }
        let paths = Set(RuleSetValidation.problems(in: rules).map(\.fieldPath))
        let expected = Set(Self.broken.map(\.1))
        #expect(expected.subtracting(paths).isEmpty, "missing: \(expected.subtracting(paths).sorted())")
    }

    @Test func aPremiumFallingAsTheReturnRateRisesIsAWarningOnly() {
        var rules = Self.defaults
        rules.insurance?.premiumSteps[2].premium?.amountMinor = 10
        let problems = RuleSetValidation.problems(in: rules)
        #expect(problems.map(\.fieldPath) == ["insurance.premium_steps[2].premium"])
        #expect(problems.first?.severity == .warning)
        #expect(RuleSetValidation.isValid(rules))
    }
}
