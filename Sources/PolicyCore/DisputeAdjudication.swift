import ProtectionMessages
import ProtoWire

/// Disputes by industry: the industry's rule pack (published or draft) decides;
/// the first rule that fires, in the pack's order, gives the outcome; with none,
/// the pack's default. Quality claims without a window rule in the pack get the
/// rule set's default quality window.
public enum DisputeAdjudication {
    public static let defaultQualityWindowRuleID = "dispute.default.quality_window"

    public static func adjudicate(
        _ request: AdjudicateDisputeRequest, ruleSet: RuleSet, now: ProtoTimestamp
    ) -> AdjudicateDisputeResponse {
        let rules = ruleSet.disputes ?? DisputeRules()
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        var response = AdjudicateDisputeResponse()
        response.industry = request.industry
        let pack = rules.packs.first { $0.industry == request.industry }
        if let pack {
            response.packVersion = pack.packVersion
            response.draftPack = pack.draft
            if pack.draft { why.usesDraftRules() }
        }
        let reasonName = shortName(request.reason, prefix: "CLAIM_REASON_")
        var decided: (DisputeOutcome, String)?
        var missing: [EvidenceKind] = []

        func record(_ ruleID: String, fired outcome: DisputeOutcome?, facts: [FactUsed], _ sentence: String) {
            why.hit(ruleID, fired: outcome != nil, facts: facts, sentence: sentence)
            if let outcome, decided == nil { decided = (outcome, ruleID) }
        }

        var windowRuled = false
        for rule in pack?.rules ?? [] where rule.reasons.isEmpty || rule.reasons.contains(request.reason) {
            switch rule.kind {
            case .notQualityProblem(let scenario):
                let (fires, facts) = Self.scenarioHolds(scenario.scenario, request)
                record(rule.ruleId, fired: fires ? rule.outcomeWhenFired : nil, facts: facts,
                       fires ? rule.summary : "Does not apply: \(rule.summary)")
            case .feedbackWindow(let window):
                windowRuled = true
                let (late, facts, sentence) = Self.late(request, window.windowAfterReceipt ?? ProtoDuration())
                record(rule.ruleId, fired: late ? rule.outcomeWhenFired : nil, facts: facts, sentence)
            case .evidenceRequirement(let requirement):
                let present = request.evidence.filter { requirement.anyOf.contains($0.kind) }
                if present.isEmpty {
                    missing += requirement.anyOf
                    record(rule.ruleId, fired: rule.outcomeWhenFired, facts: [UsedFact.int("dispute.matching_evidence_items", 0, unit: .count)],
                           "Evidence missing: \(rule.summary)")
                } else if requirement.check == .serialNumberMatch {
                    let (matches, facts) = Self.serialsMatch(request)
                    record(rule.ruleId, fired: matches ? nil : requirement.outcomeWhenCheckFails, facts: facts,
                           matches ? "The returned serial numbers match the shipped ones." : "The returned serial numbers do not match the shipped ones.")
                } else {
                    record(rule.ruleId, fired: nil, facts: [UsedFact.int("dispute.matching_evidence_items", present.count, unit: .count)],
                           "Evidence present: \(rule.summary)")
                }
            case nil:
                continue
            }
        }
        // A quality claim the pack sets no window for gets the default window.
        if !windowRuled, rules.qualityClaimReasons.contains(request.reason), let window = rules.defaultQualityFeedbackWindow {
            let (late, facts, sentence) = Self.late(request, window)
            record(Self.defaultQualityWindowRuleID, fired: late ? .supportMerchant : nil, facts: facts, sentence)
        }

        let outcome = decided?.0 ?? pack?.defaultOutcome ?? .supportBuyer
        response.outcome = outcome
        response.decidingRuleIds = decided.map { [$0.1] } ?? []
        response.missingEvidence = missing
        let outcomeName = shortName(outcome, prefix: "DISPUTE_OUTCOME_")
        let packName = pack.map { "\($0.title) v\($0.packVersion)\($0.draft ? " (draft)" : "")" } ?? "no industry pack"
        response.explanation = why.finish(
            summary: decided.map { "\(outcomeName) for a \(reasonName) claim under \(packName): rule \($0.1) decided." }
                ?? "\(outcomeName) for a \(reasonName) claim under \(packName): no rule fired, the default applies.")
        return response
    }

    /// Whether a not-a-quality-problem scenario holds on the apparel facts.
    static func scenarioHolds(_ scenario: NotQualityScenario, _ request: AdjudicateDisputeRequest) -> (Bool, [FactUsed]) {
        guard case .apparel(let facts) = request.facts else { return (false, []) }
        let used = [
            UsedFact.string("apparel.care_label_method", shortName(facts.careLabelMethod, prefix: "WASHING_METHOD_")),
            UsedFact.bool("apparel.care_label_clear", facts.careLabelClear),
            UsedFact.string("apparel.buyer_washing_method", shortName(facts.buyerWashingMethod, prefix: "WASHING_METHOD_")),
            UsedFact.bool("apparel.shrinkage_claimed", facts.shrinkageClaimed),
        ]
        let label = facts.careLabelMethod
        let washed = facts.buyerWashingMethod
        switch scenario {
        case .washedAgainstCareLabel:
            let against: Bool
            switch label {
            case .handWash: against = washed == .machineWash
            case .dryCleanOnly, .doNotWash: against = washed == .handWash || washed == .machineWash
            default: against = false
            }
            return (facts.careLabelClear && against, used)
        case .machineWashedHandWashItem:
            return (facts.shrinkageClaimed && label == .handWash && washed == .machineWash, used)
        default:
            return (false, used)
        }
    }

    /// Whether the claim came later than `window` after receipt.
    static func late(_ request: AdjudicateDisputeRequest, _ window: ProtoDuration) -> (Bool, [FactUsed], String) {
        guard let received = request.receivedAt, let reported = request.reportedAt else {
            return (false, [], "Receipt or report time unknown: the window is not applied.")
        }
        let facts = [UsedFact.time("order.received_at", received), UsedFact.time("dispute.reported_at", reported), UsedFact.duration("rules.feedback_window", window)]
        let late = isClosed(at: reported, opened: received, lasting: window)
        return (late, facts, late
            ? "Reported \(durationText(window)) or more after receipt: too late."
            : "Reported within \(durationText(window)) of receipt: in time.")
    }

    /// Whether every returned serial number was shipped (3C).
    static func serialsMatch(_ request: AdjudicateDisputeRequest) -> (Bool, [FactUsed]) {
        guard case .electronics3c(let facts) = request.facts else { return (false, []) }
        let shipped = Set(facts.shippedSerialNumbers)
        let matches = !facts.returnedSerialNumbers.isEmpty && facts.returnedSerialNumbers.allSatisfy(shipped.contains)
        return (matches, [
            UsedFact.string("electronics_3c.shipped_serial_numbers", facts.shippedSerialNumbers.joined(separator: ",")),
            UsedFact.string("electronics_3c.returned_serial_numbers", facts.returnedSerialNumbers.joined(separator: ",")),
        ])
    }
}
