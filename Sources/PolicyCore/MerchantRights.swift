import ProtectionMessages
import ProtoWire

/// What a merchant may do in the account-integrity system, from its score, the
/// rollout stage and its tier: whether it may file, which types, what each needs,
/// and the rights of its tier. Explained like every decision.
public enum MerchantRights {
    /// The stage, the pilot gate and the tier, with the rules that decided them.
    struct Standing {
        var stage: RolloutStage
        var mayFile: Bool
        var tier: TierRule?
        var why: ExplanationBuilder
    }

    static func standing(scoreMilli: Int32, ruleSet: RuleSet, now: ProtoTimestamp) -> Standing {
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        let score = UsedFact.int("merchant.experience_score", scoreMilli, unit: .scoreThousandths)
        let stage = ruleSet.rollout?.stage ?? .unspecified
        var mayFile = true
        if stage == .pilot, let rollout = ruleSet.rollout {
            mayFile = scoreMilli >= rollout.pilotMinScoreMilli
            why.hit(
                "integrity.rollout.pilot", fired: !mayFile,
                facts: [score, UsedFact.int("rules.pilot_min_score", rollout.pilotMinScoreMilli, unit: .scoreThousandths)],
                sentence: "In the pilot, merchants scoring \(scoreText(rollout.pilotMinScoreMilli)) or more may file; "
                    + "this one scores \(scoreText(scoreMilli)).")
        } else {
            why.hit("integrity.rollout.general", fired: false, facts: [score], sentence: "Every merchant may file; rights follow the tier.")
        }
        let tier = TierPolicy.tier(scoreMilli: scoreMilli, in: ruleSet)
        let tierName = tier.map { shortName($0.tier, prefix: "TIER_") } ?? "none"
        why.hit(
            "integrity.tier", fired: true,
            facts: [score, UsedFact.string("merchant.tier", tierName)],
            sentence: "A score of \(scoreText(scoreMilli)) is tier \(tierName).")
        mayFile = mayFile && (tier?.rights.contains(.fileComplaints) ?? false)
        return Standing(stage: stage, mayFile: mayFile, tier: tier, why: why)
    }

    /// The rights of a merchant scoring `scoreMilli`, whose complaints so far are
    /// `complaints` (the guardrails reduce its privileges when too many failed).
    public static func rights(
        merchantID: String, platform: Platform, industry: Industry, scoreMilli: Int32, complaints: [Complaint],
        ruleSet: RuleSet, now: ProtoTimestamp
    ) -> GetMerchantRightsResponse {
        var standing = standing(scoreMilli: scoreMilli, ruleSet: ruleSet, now: now)
        let privileges = ComplaintGuardrails.privileges(complaints: complaints, rules: ruleSet.guardrails, now: now, why: &standing.why)
        var response = GetMerchantRightsResponse()
        response.merchantId = merchantID
        response.platform = platform
        response.industry = industry
        response.experienceScoreMilli = scoreMilli
        response.tier = standing.tier?.tier ?? .unspecified
        response.stage = standing.stage
        response.mayFileComplaints = standing.mayFile
        response.fileableTypes = standing.mayFile ? standing.tier?.fileableTypes ?? [] : []
        // Reduced privileges: no store-level restriction on request.
        response.rights = (standing.tier?.rights ?? []).filter { !(privileges.reduced && $0 == .storeOrderRestriction) }
        response.manualReviewAlways = standing.tier?.manualReviewAlways ?? false
        response.complaintPrivileges = privileges
        let rights = response.rights.map { shortName($0, prefix: "MERCHANT_RIGHT_") }.joined(separator: ", ")
        response.explanation = standing.why.finish(
            summary: "Tier \(shortName(response.tier, prefix: "TIER_")) (score \(scoreText(scoreMilli))): "
                + (standing.mayFile ? "may file complaints" : "may not file complaints now")
                + (rights.isEmpty ? "." : "; rights: \(rights).")
                + (privileges.reduced ? " " + privileges.sentence : ""))
        return response
    }

    /// Which complaint types the merchant may file now and what each requires.
    public static func complaintTypes(
        merchantID: String, scoreMilli: Int32, complaints: [Complaint], ruleSet: RuleSet, now: ProtoTimestamp
    ) -> DescribeComplaintTypesResponse {
        var standing = standing(scoreMilli: scoreMilli, ruleSet: ruleSet, now: now)
        let privileges = ComplaintGuardrails.privileges(complaints: complaints, rules: ruleSet.guardrails, now: now, why: &standing.why)
        var response = DescribeComplaintTypesResponse()
        response.merchantId = merchantID
        response.stage = standing.stage
        response.experienceScoreMilli = scoreMilli
        response.tier = standing.tier?.tier ?? .unspecified
        response.mayFile = standing.mayFile
        response.manualReviewAlways = standing.tier?.manualReviewAlways ?? false
        for rule in ruleSet.complaintTypes {
            var type = ComplaintTypeRequirement()
            type.type = rule.type
            type.allowed = standing.mayFile && (standing.tier?.fileableTypes.contains(rule.type) ?? false)
            type.requiredEvidence = rule.requiredEvidence
            type.points = rule.points
            type.reviewClock = ruleSet.clocks?.reviewClock
            type.evidenceDeadline = ruleSet.clocks?.evidenceDeadline
            let name = shortName(rule.type, prefix: "COMPLAINT_TYPE_")
            let needs = rule.requiredEvidence.map(\.sentence).joined(separator: "; ")
            type.sentence = type.allowed
                ? "\(name): needs \(needs); \(rule.points) points if confirmed."
                : "\(name): not allowed now (\(standing.mayFile ? "not a type this tier may file" : "this merchant may not file yet"))."
            response.types.append(type)
        }
        response.complaintPrivileges = privileges
        response.explanation = standing.why.finish(
            summary: "\(response.types.count { $0.allowed }) of \(response.types.count) complaint types may be filed."
                + (privileges.reduced ? " " + privileges.sentence : ""))
        return response
    }
}
