import ProtectionMessages
import ProtoWire

/// One order in the rate window, as the experience score reads it.
public struct ScoredOrder: Sendable, Hashable {
    public var orderID: String
    public var returned: Bool
    public var disputed: Bool
    /// Set when a confirmed integrity case excludes the order from the rates.
    public var excludedByComplaintID: String?

    public init(orderID: String, returned: Bool = false, disputed: Bool = false, excludedByComplaintID: String? = nil) {
        self.orderID = orderID
        self.returned = returned
        self.disputed = disputed
        self.excludedByComplaintID = excludedByComplaintID
    }
}

/// What a merchant's score is computed from.
public struct ExperienceScoreFacts: Sendable, Hashable {
    public var merchantID: String
    /// Sub-scores reported by other systems (quality, logistics, service response).
    public var subScores: [ScoreIndicatorKind: SubScoreMeasurement]
    /// The merchant's orders in the rate window.
    public var orders: [ScoredOrder]

    public init(merchantID: String, subScores: [ScoreIndicatorKind: SubScoreMeasurement], orders: [ScoredOrder]) {
        self.merchantID = merchantID
        self.subScores = subScores
        self.orders = orders
    }
}

/// The white-box experience score, in integers: each indicator's score (reported,
/// or from a rate mapped linearly between the rule set's best and worst rates),
/// its weight and contribution (rounded down), the cases left out and why, the
/// tier, and what the next tier needs.
public enum ExperienceScore {
    static let full: Int32 = 5_000

    public static func explain(_ facts: ExperienceScoreFacts, ruleSet: RuleSet, now: ProtoTimestamp) -> ExplainExperienceScoreResponse {
        let rules = ruleSet.experienceScore ?? ExperienceScoreRules()
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        var response = ExplainExperienceScoreResponse()
        response.merchantId = facts.merchantID
        response.asOf = now

        let counted = facts.orders.filter { $0.excludedByComplaintID == nil }
        for weight in rules.weights {
            var indicator = IndicatorBreakdown()
            indicator.kind = weight.kind
            indicator.weightBp = weight.weightBp
            let name = shortName(weight.kind, prefix: "SCORE_INDICATOR_KIND_").lowercased()
            if let scale = rules.rateScales.first(where: { $0.kind == weight.kind }) {
                let isEvent: (ScoredOrder) -> Bool = weight.kind == .disputeRate ? { $0.disputed } : { $0.returned }
                var rate = RateMeasurement()
                rate.orderCount = Int64(counted.count)
                rate.eventCount = Int64(counted.filter(isEvent).count)
                rate.excludedEventCount = Int64(facts.orders.count(where: { $0.excludedByComplaintID != nil && isEvent($0) }))
                rate.rateBp = ratio(rate.eventCount, rate.orderCount)
                rate.rateBpWithoutExclusions = ratio(Int64(facts.orders.count(where: isEvent)), Int64(facts.orders.count))
                rate.bestRateBp = scale.bestRateBp
                rate.worstRateBp = scale.worstRateBp
                indicator.indicatorScoreMilli = score(rate: rate.rateBp, scale)
                indicator.measurement = .rate(rate)
                indicator.contributionMilli = Int32(Int64(indicator.indicatorScoreMilli) * Int64(weight.weightBp) / 10_000)
                indicator.sentence = "\(name.spacedWords.capitalizedFirst) \(rate.rateBp) bp"
                    + (rate.excludedEventCount > 0 ? " after excluding \(rate.excludedEventCount) confirmed cases" : "")
                    + " scores \(indicator.indicatorScoreMilli) × \(weight.weightBp / 100)% = \(indicator.contributionMilli)."
            } else if let reported = facts.subScores[weight.kind] {
                indicator.indicatorScoreMilli = min(max(reported.reportedScoreMilli, 0), full)
                indicator.measurement = .subScore(reported)
                indicator.contributionMilli = Int32(Int64(indicator.indicatorScoreMilli) * Int64(weight.weightBp) / 10_000)
                indicator.sentence = "\(name.spacedWords.capitalizedFirst) reported at \(indicator.indicatorScoreMilli) × \(weight.weightBp / 100)% = \(indicator.contributionMilli)."
            } else {
                indicator.sentence = "\(name.spacedWords.capitalizedFirst) not reported: counts as 0."
            }
            why.hit("experience_score.\(name)", fired: true,
                    facts: [UsedFact.int("indicator.score", indicator.indicatorScoreMilli, unit: .scoreThousandths), UsedFact.int("rules.weight_bp", weight.weightBp, unit: .basisPoints)],
                    sentence: indicator.sentence)
            response.indicators.append(indicator)
        }

        for order in facts.orders {
            guard let complaint = order.excludedByComplaintID else { continue }
            var excluded = ExcludedCase()
            excluded.orderId = order.orderID
            excluded.complaintId = complaint
            excluded.reason = .confirmedIntegrityCase
            excluded.indicators = [.disputeRate, .returnRate]
            response.excludedCases.append(excluded)
        }

        let total = response.indicators.reduce(Int64(0)) { $0 + Int64($1.contributionMilli) }
        response.scoreMilli = Int32(min(total, Int64(rules.maxScoreMilli)))
        response.tier = TierPolicy.tier(scoreMilli: response.scoreMilli, in: ruleSet)?.tier ?? .unspecified
        response.nextTier = nextTier(response, ruleSet: ruleSet)
        response.explanation = why.finish(
            summary: "Score \(scoreText(response.scoreMilli)) (\(response.scoreMilli)), tier \(shortName(response.tier, prefix: "TIER_")). \(response.nextTier?.sentence ?? "")")
        return response
    }

    /// Events per order in basis points, rounded down; 0 without orders.
    static func ratio(_ events: Int64, _ orders: Int64) -> Int32 {
        orders == 0 ? 0 : Int32(events * 10_000 / orders)
    }

    /// A rate's indicator score: full at or below the best rate, 0 at or above the
    /// worst, linear (rounded down) between.
    static func score(rate: Int32, _ scale: RateIndicatorScale) -> Int32 {
        if rate <= scale.bestRateBp { return full }
        if rate >= scale.worstRateBp { return 0 }
        return Int32(Int64(full) * Int64(scale.worstRateBp - rate) / Int64(scale.worstRateBp - scale.bestRateBp))
    }

    /// The next tier up and what each indicator alone would need to reach it.
    static func nextTier(_ response: ExplainExperienceScoreResponse, ruleSet: RuleSet) -> NextTierRequirement {
        var next = NextTierRequirement()
        guard let index = ruleSet.tiers.firstIndex(where: { $0.tier == response.tier }), index > 0 else {
            next.sentence = "Already in the top tier."
            return next
        }
        let target = ruleSet.tiers[index - 1]
        next.nextTier = target.tier
        next.requiredScoreMilli = target.minScoreMilli
        next.missingMilli = target.minScoreMilli - response.scoreMilli
        for indicator in response.indicators where indicator.weightBp > 0 {
            var goal = IndicatorTarget()
            goal.kind = indicator.kind
            goal.currentScoreMilli = indicator.indicatorScoreMilli
            // The least indicator score whose contribution closes the gap (contributions round down).
            let wanted = Int64(indicator.contributionMilli) + Int64(next.missingMilli)
            let needed = (wanted * 10_000 + Int64(indicator.weightBp) - 1) / Int64(indicator.weightBp)
            goal.reachableAlone = needed <= Int64(full)
            if goal.reachableAlone {
                goal.neededScoreMilli = Int32(needed)
                if case .rate(let rate) = indicator.measurement {
                    // The highest rate still scoring `needed`.
                    let span = Int64(rate.worstRateBp - rate.bestRateBp)
                    goal.neededRateBp = rate.worstRateBp - Int32((needed * span + Int64(full) - 1) / Int64(full))
                }
            }
            next.targets.append(goal)
        }
        let reachable = next.targets.filter(\.reachableAlone).map { shortName($0.kind, prefix: "SCORE_INDICATOR_KIND_").lowercased() }
        next.sentence = "Tier \(shortName(target.tier, prefix: "TIER_")) needs \(target.minScoreMilli), \(next.missingMilli) more"
            + (reachable.isEmpty ? "; no single indicator can close the gap alone." : "; any one of these alone could close it: \(reachable.joined(separator: ", ")).")
        return next
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

extension String {
    /// Underscores as spaces: "return_rate" → "return rate".
    var spacedWords: String { String(map { $0 == "_" ? " " : $0 }) }
}
