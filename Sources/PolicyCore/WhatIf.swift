import ProtectionMessages
import ProtoWire

/// The history a what-if replays: past cases and the facts each decision read.
public struct WhatIfHistory: Sendable {
    /// A confirmed case with the merchant's score when it was filed.
    public struct Case: Sendable, Hashable {
        public var confirmed: ConfirmedCase
        public var merchantScoreMilli: Int32
        public init(_ confirmed: ConfirmedCase, merchantScoreMilli: Int32) {
            self.confirmed = confirmed
            self.merchantScoreMilli = merchantScoreMilli
        }
    }

    public var cases: [Case]
    public var claims: [ReturnInsuranceClaim]
    public var priceErrors: [(reportID: String, facts: PriceErrorFacts)]
    public var merchants: [ExperienceScoreFacts]
    /// Each merchant's decided complaints, for the guardrails.
    public var merchantComplaints: [String: [Complaint]]

    public init(
        cases: [Case] = [], claims: [ReturnInsuranceClaim] = [], priceErrors: [(reportID: String, facts: PriceErrorFacts)] = [],
        merchants: [ExperienceScoreFacts] = [], merchantComplaints: [String: [Complaint]] = [:]
    ) {
        self.cases = cases
        self.claims = claims
        self.priceErrors = priceErrors
        self.merchants = merchants
        self.merchantComplaints = merchantComplaints
    }
}

/// What-if: every decision of the history made again under a candidate rule set
/// and under the baseline, and what would change (sanctions, rate exclusions,
/// claim payouts, tiers, price-error resolutions, reviewer workload, merchants'
/// complaint privileges). Changes nothing.
public enum WhatIf {
    public static func simulate(
        candidate: RuleSet, baseline: RuleSet, history: WhatIfHistory, maxChanges: Int = 1_000, now: ProtoTimestamp
    ) -> SimulateRuleSetResponse {
        var response = SimulateRuleSetResponse()
        response.baselineVersion = baseline.version
        response.casesReplayed = Int64(history.cases.count)
        var summary = SimulationSummary()
        var changes: [OutcomeChange] = []
        func note(_ change: OutcomeChange.Change, _ sentence: String) {
            var outcome = OutcomeChange()
            outcome.change = change
            outcome.sentence = sentence
            changes.append(outcome)
        }

        // Each case under each rule set: its points, expiry and tier come from that set.
        func rejudged(_ item: WhatIfHistory.Case, _ rules: RuleSet) -> ConfirmedCase {
            let tier = TierPolicy.tier(scoreMilli: item.merchantScoreMilli, in: rules)?.tier ?? .unspecified
            var again = Ledger.confirm(
                complaintID: item.confirmed.complaintID, orderID: item.confirmed.orderID, buyerID: item.confirmed.buyerID,
                merchantID: item.confirmed.merchantID, type: item.confirmed.type, at: item.confirmed.confirmedAt,
                merchantTier: tier, storeLimitRequested: item.confirmed.storeLimitRequested, ruleSet: rules)
            again.reversed = item.confirmed.reversed
            again.reversedAt = item.confirmed.reversedAt
            return again
        }
        let before = history.cases.map { rejudged($0, baseline) }
        let after = history.cases.map { rejudged($0, candidate) }

        // Sanctions, buyer by buyer.
        for buyer in Set(before.map(\.buyerID)).sorted() {
            let old = Sanctions.spans(for: before.filter { $0.buyerID == buyer }, ruleSet: baseline, now: now)
            let new = Sanctions.spans(for: after.filter { $0.buyerID == buyer }, ruleSet: candidate, now: now)
            let key = { (span: SanctionSpan) in "\(span.kind.rawValue)/\(span.merchantID)/\(span.start)" }
            let oldByKey = Dictionary(old.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
            let newByKey = Dictionary(new.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
            for k in Set(oldByKey.keys).union(newByKey.keys).sorted() {
                let (was, will) = (oldByKey[k], newByKey[k])
                guard was?.end != will?.end || (was == nil) != (will == nil) else { continue }
                var change = SanctionChange()
                change.buyerId = buyer
                change.kind = (was ?? will)!.kind
                change.merchantId = (was ?? will)!.merchantID
                change.activeBefore = was.map { isRunning($0, now) } ?? false
                change.activeAfter = will.map { isRunning($0, now) } ?? false
                change.endsBefore = was?.end.map { ProtoTimestamp(seconds: $0, nanos: 0) }
                change.endsAfter = will?.end.map { ProtoTimestamp(seconds: $0, nanos: 0) }
                let kind = shortName(change.kind, prefix: "SANCTION_KIND_")
                if was == nil {
                    summary.sanctionsAdded += 1
                    note(.sanction(change), "Buyer \(buyer) would get a \(kind).")
                } else if will == nil {
                    summary.sanctionsRemoved += 1
                    note(.sanction(change), "Buyer \(buyer) would no longer get a \(kind).")
                } else {
                    summary.sanctionsChanged += 1
                    note(.sanction(change), "Buyer \(buyer)'s \(kind) would end at a different time.")
                }
            }
        }

        // Rate exclusions and reviewer workload, case by case.
        for (old, new) in zip(before, after) where !old.reversed {
            let excluded = { (item: ConfirmedCase, rules: RuleSet) in
                (rules.tiers.first { $0.tier == item.merchantTier }?.rights ?? []).contains(.excludeFromRates)
            }
            let (was, will) = (excluded(old, baseline), excluded(new, candidate))
            if was != will {
                var change = ExclusionChange()
                change.merchantId = old.merchantID
                change.orderId = old.orderID
                change.complaintId = old.complaintID
                change.excludedBefore = was
                change.excludedAfter = will
                if will { summary.exclusionsAdded += 1 } else { summary.exclusionsRemoved += 1 }
                note(.exclusion(change), "Order \(old.orderID) would \(will ? "leave" : "stay in") \(old.merchantID)'s return and dispute rates.")
            }
            let manual = { (item: ConfirmedCase, rules: RuleSet) in
                rules.tiers.first { $0.tier == item.merchantTier }?.manualReviewAlways ?? false
            }
            summary.manualReviewsDelta += Int64((manual(new, candidate) ? 1 : 0) - (manual(old, baseline) ? 1 : 0))
        }

        // Claims.
        var payoutDelta: Int64 = 0
        for claim in history.claims {
            let old = InsuranceClaims.evaluate(claim, cases: before, ruleSet: baseline, now: now)
            let new = InsuranceClaims.evaluate(claim, cases: after, ruleSet: candidate, now: now)
            let paid = { (claim: ReturnInsuranceClaim) in claim.state == .paid ? claim.payout?.amountMinor ?? 0 : 0 }
            guard old.state != new.state || paid(old) != paid(new) else { continue }
            var change = PayoutChange()
            change.claimId = claim.claimId
            change.orderId = claim.orderId
            change.stateBefore = old.state
            change.stateAfter = new.state
            change.payoutBefore = old.payout
            change.payoutAfter = new.payout
            summary.payoutsChanged += 1
            payoutDelta += paid(new) - paid(old)
            note(.payout(change), "Claim \(claim.claimId) would be \(shortName(new.state, prefix: "INSURANCE_CLAIM_STATE_")) paying \(moneyText(new.payout ?? Money())).")
        }
        summary.payoutDelta = money(payoutDelta, candidate.currency)

        // Price errors, order by order.
        for (reportID, facts) in history.priceErrors {
            let old = PriceErrors.judge(facts, ruleSet: baseline, now: now)
            let new = PriceErrors.judge(facts, ruleSet: candidate, now: now)
            let count = { (judgement: PriceErrorJudgement) in Int64(judgement.resolutions.count { $0.action == .manualReview }) }
            summary.manualReviewsDelta += count(new) - count(old)
            for order in facts.orders {
                let was = old.resolutions.first { $0.orderId == order.orderID }
                let will = new.resolutions.first { $0.orderId == order.orderID }
                guard was?.action != will?.action || was?.compensation != will?.compensation else { continue }
                var change = PriceErrorResolutionChange()
                change.reportId = reportID
                change.orderId = order.orderID
                change.actionBefore = was?.action ?? .unspecified
                change.actionAfter = will?.action ?? .unspecified
                change.compensationBefore = was?.compensation
                change.compensationAfter = will?.compensation
                summary.priceErrorResolutionsChanged += 1
                note(.priceErrorResolution(change), "Order \(order.orderID) of report \(reportID) would be \(shortName(change.actionAfter, prefix: "PRICE_ERROR_RESOLUTION_ACTION_")).")
            }
        }

        // Merchants' scores and tiers.
        for merchant in history.merchants {
            let old = ExperienceScore.explain(merchant, ruleSet: baseline, now: now)
            let new = ExperienceScore.explain(merchant, ruleSet: candidate, now: now)
            guard old.tier != new.tier else { continue }
            var change = TierChange()
            change.merchantId = merchant.merchantID
            change.scoreBeforeMilli = old.scoreMilli
            change.scoreAfterMilli = new.scoreMilli
            change.tierBefore = old.tier
            change.tierAfter = new.tier
            summary.tiersChanged += 1
            note(.tier(change), "\(merchant.merchantID) would move from tier \(shortName(old.tier, prefix: "TIER_")) to \(shortName(new.tier, prefix: "TIER_")).")
        }

        // Merchants' complaint privileges under each set's guardrails.
        for (merchantID, complaints) in history.merchantComplaints.sorted(by: { $0.key < $1.key }) {
            var whyBefore = ExplanationBuilder(ruleSet: baseline, now: now)
            var whyAfter = ExplanationBuilder(ruleSet: candidate, now: now)
            let old = ComplaintGuardrails.privileges(complaints: complaints, rules: baseline.guardrails, now: now, why: &whyBefore)
            let new = ComplaintGuardrails.privileges(complaints: complaints, rules: candidate.guardrails, now: now, why: &whyAfter)
            guard old.reduced != new.reduced else { continue }
            var change = PrivilegeChange()
            change.merchantId = merchantID
            change.reducedBefore = old.reduced
            change.reducedAfter = new.reduced
            change.accuracyBefore = old.accuracy
            change.accuracyAfter = new.accuracy
            if new.reduced { summary.privilegesReduced += 1 } else { summary.privilegesRestored += 1 }
            note(.privileges(change), "\(merchantID) would \(new.reduced ? "lose" : "regain") its full complaint privileges: \(new.sentence)")
        }

        response.summary = summary
        response.truncated = changes.count > maxChanges
        response.changes = Array(changes.prefix(maxChanges))
        return response
    }

    static func isRunning(_ span: SanctionSpan, _ now: ProtoTimestamp) -> Bool {
        span.start <= now.seconds && now.seconds < (span.end ?? .max)
    }
}
