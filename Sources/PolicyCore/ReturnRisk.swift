import ProtectionMessages
import ProtoWire

/// What the return-risk score reads about the buyer; the server derives every
/// figure (a caller never states them).
public struct ReturnRiskFacts: Sendable, Hashable {
    /// The buyer's active integrity points.
    public var activePoints: Int32
    /// Whether the buyer has a confirmed case with this merchant.
    public var confirmedCaseWithMerchant: Bool
    /// The buyer's return rate over the rule set's window, in bp; nil when unknown
    /// (no orders in the window).
    public var returnRateBp: Int32?
    /// The buyer's median order amount over the rule set's window; nil when unknown.
    public var medianOrder: Money?

    public init(activePoints: Int32, confirmedCaseWithMerchant: Bool, returnRateBp: Int32?, medianOrder: Money?) {
        self.activePoints = activePoints
        self.confirmedCaseWithMerchant = confirmedCaseWithMerchant
        self.returnRateBp = returnRateBp
        self.medianOrder = medianOrder
    }
}

/// The one-click return-risk warning: a 0...max score from four factors, and a band.
public enum ReturnRisk {
    public static func assess(
        _ request: AssessReturnRiskRequest, facts: ReturnRiskFacts, ruleSet: RuleSet, now: ProtoTimestamp
    ) -> AssessReturnRiskResponse {
        let rules = ruleSet.returnRisk ?? ReturnRiskRules()
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        var factors: [RiskFactor] = []

        func factor(_ kind: RiskFactorKind, _ points: Int32?, _ facts: [FactUsed], _ sentence: String) {
            var factor = RiskFactor()
            factor.kind = kind
            factor.applied = points != nil
            factor.pointsAdded = points ?? 0
            factor.facts = facts
            factor.sentence = sentence
            factors.append(factor)
            why.hit("integrity.return_risk.\(shortName(kind, prefix: "RISK_FACTOR_KIND_").lowercased())", fired: points != nil, facts: facts, sentence: sentence)
        }

        let points = facts.activePoints
        let fromPoints = min(Int64(points) * Int64(rules.pointsPerActivePoint), Int64(rules.activePointsComponentCap))
        factor(
            .activePoints, points > 0 ? Int32(fromPoints) : nil,
            [UsedFact.int("buyer.active_points", points, unit: .points)],
            points > 0
                ? "The buyer has \(points) active integrity points: +\(fromPoints) (\(rules.pointsPerActivePoint) each, at most \(rules.activePointsComponentCap))."
                : "The buyer has no active integrity points.")

        factor(
            .confirmedCaseWithMerchant, facts.confirmedCaseWithMerchant ? rules.confirmedCaseWithMerchantPoints : nil,
            [UsedFact.bool("buyer.confirmed_case_with_merchant", facts.confirmedCaseWithMerchant)],
            facts.confirmedCaseWithMerchant
                ? "The buyer has a confirmed case with this store: +\(rules.confirmedCaseWithMerchantPoints)."
                : "The buyer has no confirmed case with this store.")

        let threshold = rules.highReturnRateThresholdBp
        if let rate = facts.returnRateBp {
            let high = rate > threshold
            factor(
                .highReturnRate, high ? rules.highReturnRatePoints : nil,
                [UsedFact.int("buyer.return_rate_bp", rate, unit: .basisPoints), UsedFact.int("rules.high_return_rate_threshold_bp", threshold, unit: .basisPoints)],
                high
                    ? "The buyer's return rate, \(rate) bp, is over \(threshold) bp: +\(rules.highReturnRatePoints)."
                    : "The buyer's return rate, \(rate) bp, is not over \(threshold) bp.")
        } else {
            factor(.highReturnRate, nil, [], "The buyer's return rate is not known (no orders in the window).")
        }

        let ratio = rules.largeAmountMedianRatioBp
        if let median = facts.medianOrder, median.amountMinor > 0, let amount = request.amount {
            let amountFacts = [
                UsedFact.money("request.amount", amount), UsedFact.money("buyer.median_order", median),
                UsedFact.int("rules.large_amount_median_ratio_bp", ratio, unit: .basisPoints),
            ]
            if amount.currency != median.currency {
                factor(
                    .amountAboveMedian, nil, amountFacts,
                    "The amount is in \(amount.currency) and the buyer's median order in \(median.currency): not compared.")
            } else {
                // amount > median × ratio, in integers: amount × 10000 > median × ratio_bp.
                let large = exceeds(amount.amountMinor, times: 10_000, median.amountMinor, times: Int64(ratio))
                factor(
                    .amountAboveMedian, large ? rules.largeAmountPoints : nil, amountFacts,
                    large
                        ? "The amount is over \(ratio / 100)% of the buyer's median order: +\(rules.largeAmountPoints)."
                        : "The amount is not over \(ratio / 100)% of the buyer's median order.")
            }
        } else {
            factor(.amountAboveMedian, nil, [], "The buyer's median order is not known, so the amount is not compared.")
        }

        var response = AssessReturnRiskResponse()
        let total = factors.reduce(Int64(0)) { $0 + Int64($1.pointsAdded) }
        response.score = Int32(min(total, Int64(rules.maxScore)))
        response.level = response.score >= rules.highMinScore ? .high : response.score >= rules.mediumMinScore ? .medium : .low
        response.factors = factors
        let level = shortName(response.level, prefix: "RISK_LEVEL_")
        why.hit(
            "integrity.return_risk.band", fired: response.level != .low,
            facts: [UsedFact.int("return_risk.score", response.score, unit: .riskScore)],
            sentence: "Score \(response.score): \(level) (MEDIUM from \(rules.mediumMinScore), HIGH from \(rules.highMinScore)).")
        response.explanation = why.finish(summary: "Return risk \(level), score \(response.score) of \(rules.maxScore).")
        return response
    }
}
