import ProtectionMessages
import ProtoWire

/// Whether a merchant may file a complaint, decided before anything is stored.
public struct FilingDecision: Sendable, Hashable {
    /// The complaint type the request's details imply.
    public var type: ComplaintType
    /// The merchant's tier at filing.
    public var tier: Tier
    /// Nil when the complaint may be filed; else why not (reason, message, the
    /// unmet evidence requirements, the explanation). Nothing is stored then.
    public var refusal: ErrorDetail?
    /// The tier requires a reviewer's decision whatever the evidence.
    public var manualReview: Bool
    /// A store-level ordering restriction is asked for and the tier grants it.
    public var storePurchaseLimitRequested: Bool
    /// The rules evaluated, with their facts.
    public var explanation: Explanation

    public var isAccepted: Bool { refusal == nil }
}

/// Filing rules: the rollout stage and the tier gate who may file what; every
/// evidence requirement of the type must be met.
public enum ComplaintFiling {
    /// Decides a `FileComplaint` by a merchant scoring `merchantScoreMilli`, under
    /// `ruleSet` (the one in force at `now`).
    public static func decide(
        _ request: FileComplaintRequest, merchantScoreMilli: Int32, ruleSet: RuleSet, now: ProtoTimestamp
    ) -> FilingDecision {
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        let score = UsedFact.int("merchant.experience_score", merchantScoreMilli, unit: .scoreThousandths)
        let tierRule = TierPolicy.tier(scoreMilli: merchantScoreMilli, in: ruleSet)
        var decision = FilingDecision(
            type: request.complaintType ?? .unspecified, tier: tierRule?.tier ?? .unspecified, refusal: nil,
            manualReview: false, storePurchaseLimitRequested: false, explanation: Explanation())

        func refuse(_ reason: ErrorReason, _ message: String, unmet: [EvidenceRequirement] = []) -> FilingDecision {
            var detail = ErrorDetail()
            detail.reason = reason
            detail.message = message
            detail.unmetEvidence = unmet
            detail.explanation = why.finish(summary: message)
            decision.refusal = detail
            decision.explanation = detail.explanation!
            return decision
        }

        guard let type = request.complaintType else {
            return refuse(.invalidField, "The complaint has no details, so its type is unknown.")
        }
        let typeName = shortName(type, prefix: "COMPLAINT_TYPE_")

        // Rollout: in the pilot only merchants at or above the threshold may file.
        if let rollout = ruleSet.rollout, rollout.stage == .pilot {
            let allowed = merchantScoreMilli >= rollout.pilotMinScoreMilli
            let threshold = scoreText(rollout.pilotMinScoreMilli)
            why.hit(
                "integrity.rollout.pilot", fired: !allowed,
                facts: [score, UsedFact.int("rules.pilot_min_score", rollout.pilotMinScoreMilli, unit: .scoreThousandths)],
                sentence: allowed
                    ? "In the pilot, merchants scoring \(threshold) or more may file; this one scores \(scoreText(merchantScoreMilli))."
                    : "In the pilot only merchants scoring \(threshold) or more may file; this one scores \(scoreText(merchantScoreMilli)).")
            if !allowed {
                return refuse(
                    .notEligible,
                    "Only merchants with an experience score of \(threshold) or more may file during the pilot (yours: \(scoreText(merchantScoreMilli))).")
            }
        }

        // Tier: which types it may file.
        guard let tierRule else {
            return refuse(.notEligible, "No tier of the rule set covers a score of \(scoreText(merchantScoreMilli)).")
        }
        let tierName = shortName(tierRule.tier, prefix: "TIER_")
        let mayFile = tierRule.fileableTypes.contains(type) && tierRule.rights.contains(.fileComplaints)
        why.hit(
            "integrity.tier.fileable_types", fired: !mayFile,
            facts: [score, UsedFact.string("merchant.tier", tierName), UsedFact.string("complaint.type", typeName)],
            sentence: mayFile
                ? "Tier \(tierName) may file \(typeName) complaints."
                : "Tier \(tierName) may not file \(typeName) complaints.")
        if !mayFile {
            return refuse(.notEligible, "Merchants in tier \(tierName) may not file \(typeName) complaints.")
        }

        // Evidence: every requirement of the type, each counted over the items' kinds.
        let kinds = request.evidence.map(\.kind)
        var unmet: [EvidenceRequirement] = []
        for requirement in ruleSet.complaintTypes.first(where: { $0.type == type })?.requiredEvidence ?? [] {
            let count = kinds.filter { requirement.anyOf.contains($0) }.count
            let met = count >= requirement.minItems
            if !met { unmet.append(requirement) }
            why.hit(
                requirement.requirementId, fired: !met,
                facts: [UsedFact.int("complaint.matching_evidence_items", count, unit: .count)],
                sentence: met
                    ? "Evidence present: \(requirement.sentence)."
                    : "Evidence missing: \(requirement.sentence) (\(count) of \(requirement.minItems)).")
        }
        if !unmet.isEmpty {
            let list = unmet.map(\.sentence).joined(separator: "; ")
            return refuse(.missingEvidence, "A \(typeName) complaint needs: \(list).", unmet: unmet)
        }

        decision.manualReview = tierRule.manualReviewAlways
        why.hit(
            "integrity.tier.manual_review", fired: tierRule.manualReviewAlways,
            facts: [UsedFact.string("merchant.tier", tierName)],
            sentence: tierRule.manualReviewAlways
                ? "Tier \(tierName): a reviewer decides every complaint."
                : "Tier \(tierName): no forced manual review.")
        if request.requestStorePurchaseLimit {
            let granted = tierRule.rights.contains(.storeOrderRestriction)
            decision.storePurchaseLimitRequested = granted
            why.hit(
                "integrity.tier.store_order_restriction", fired: granted,
                facts: [UsedFact.string("merchant.tier", tierName)],
                sentence: granted
                    ? "Tier \(tierName) may ask for a store-level ordering restriction; it applies if the case is confirmed."
                    : "Tier \(tierName) may not ask for a store-level ordering restriction; the request is ignored.")
        }
        decision.explanation = why.finish(
            summary: "The \(typeName) complaint may be filed: tier \(tierName), every evidence requirement met"
                + (decision.manualReview ? ", a reviewer will decide." : "."))
        return decision
    }
}
