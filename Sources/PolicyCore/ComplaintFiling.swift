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
    /// A store-level ordering restriction is asked for, the tier grants it and
    /// the guardrails have not reduced the merchant's privileges.
    public var storePurchaseLimitRequested: Bool
    /// Why the complaint goes straight to senior review (reduced privileges,
    /// possible retaliation); empty when it does not.
    public var seniorReviewReasons: [SeniorReviewReason] = []
    /// The buyer's low review the complaint followed, when it did.
    public var retaliation: RetaliationFlag?
    /// The rules evaluated, with their facts.
    public var explanation: Explanation

    public var isAccepted: Bool { refusal == nil }
}

/// What the guardrails read when a complaint is filed: the merchant's decided
/// complaints and the buyer's recent reviews of the merchant.
public struct GuardrailHistory: Sendable {
    public var buyerID: String
    public var merchantID: String
    public var merchantComplaints: [Complaint]
    public var buyerReviews: [ReviewFact]

    public init(buyerID: String = "", merchantID: String = "", merchantComplaints: [Complaint] = [], buyerReviews: [ReviewFact] = []) {
        self.buyerID = buyerID
        self.merchantID = merchantID
        self.merchantComplaints = merchantComplaints
        self.buyerReviews = buyerReviews
    }
}

/// Filing rules: the rollout stage and the tier gate who may file what; every
/// evidence requirement of the type must be met; the guardrails send a complaint
/// to senior review when the merchant's privileges are reduced or it follows the
/// buyer's low review.
public enum ComplaintFiling {
    /// Decides a `FileComplaint` by a merchant scoring `merchantScoreMilli`, under
    /// `ruleSet` (the one in force at `now`).
    public static func decide(
        _ request: FileComplaintRequest, merchantScoreMilli: Int32, history: GuardrailHistory = GuardrailHistory(),
        ruleSet: RuleSet, now: ProtoTimestamp
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

        // Guardrails: reduced privileges and possible retaliation send it to senior review.
        let privileges = ComplaintGuardrails.privileges(
            complaints: history.merchantComplaints, rules: ruleSet.guardrails, now: now, why: &why)
        if privileges.reduced { decision.seniorReviewReasons.append(.reducedPrivileges) }
        decision.retaliation = ComplaintGuardrails.retaliation(
            reviews: history.buyerReviews, buyerID: history.buyerID, merchantID: history.merchantID, filedAt: now,
            rules: ruleSet.guardrails, why: &why)
        if decision.retaliation != nil { decision.seniorReviewReasons.append(.possibleRetaliation) }

        decision.manualReview = tierRule.manualReviewAlways
        why.hit(
            "integrity.tier.manual_review", fired: tierRule.manualReviewAlways,
            facts: [UsedFact.string("merchant.tier", tierName)],
            sentence: tierRule.manualReviewAlways
                ? "Tier \(tierName): a reviewer decides every complaint."
                : "Tier \(tierName): no forced manual review.")
        if request.requestStorePurchaseLimit {
            let granted = tierRule.rights.contains(.storeOrderRestriction)
            decision.storePurchaseLimitRequested = granted && !privileges.reduced
            why.hit(
                "integrity.tier.store_order_restriction", fired: granted,
                facts: [UsedFact.string("merchant.tier", tierName)],
                sentence: granted
                    ? "Tier \(tierName) may ask for a store-level ordering restriction; it applies if the case is confirmed."
                    : "Tier \(tierName) may not ask for a store-level ordering restriction; the request is ignored.")
            if granted {
                why.hit(
                    "integrity.guardrail.store_limit_ignored", fired: privileges.reduced,
                    facts: [UsedFact.int("merchant.complaint_accuracy", privileges.accuracy?.accuracyBp ?? 0, unit: .basisPoints)],
                    sentence: privileges.reduced
                        ? "The merchant's complaint privileges are reduced: the store-level restriction it asked for is ignored."
                        : "The merchant's complaint privileges are full: the store-level restriction stands if the case is confirmed.")
            }
        }
        let senior = decision.seniorReviewReasons.map { $0 == .reducedPrivileges ? "reduced privileges" : "possible retaliation" }
        decision.explanation = why.finish(
            summary: "The \(typeName) complaint may be filed: tier \(tierName), every evidence requirement met"
                + (senior.isEmpty ? "" : "; it goes to senior review (\(senior.joined(separator: ", ")))")
                + (decision.manualReview ? ", a reviewer will decide." : "."))
        return decision
    }
}
