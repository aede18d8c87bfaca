import ProtectionMessages
import ProtoWire

/// Return-insurance claims: paid automatically a delay after the refund (72 h),
/// the return's shipping cost up to the cap; refused when a confirmed case of a
/// refusing type is on the order, and clawed back when one is confirmed after
/// the payout. Overturning that case undoes the refusal.
public enum InsuranceClaims {
    /// The claim as it stands at `now`.
    public static func evaluate(
        _ claim: ReturnInsuranceClaim, cases: [ConfirmedCase], ruleSet: RuleSet, now: ProtoTimestamp
    ) -> ReturnInsuranceClaim {
        let rules = ruleSet.insurance ?? InsuranceRules()
        var claim = claim
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        let cost = claim.shippingCost ?? Money()
        let cap = rules.payoutCap ?? Money()
        claim.payoutCap = cap
        var payout = cost
        payout.amountMinor = min(cost.amountMinor, cap.amountMinor)
        claim.payoutDueAt = claim.refundedAt.map { adding(rules.payoutDelay, to: $0) }
        claim.clawedBackAt = nil
        claim.clawedBackAmount = nil
        claim.refusingComplaintId = ""

        if let refusing = CaseConsequences.claimRefusal(orderID: claim.orderId, cases: cases, ruleSet: ruleSet) {
            claim.refusingComplaintId = refusing.complaintID
            let type = shortName(refusing.type, prefix: "COMPLAINT_TYPE_")
            // Paid when recorded so, or when the payout fell due before the case was confirmed.
            let paidAt = claim.paidAt ?? claim.payoutDueAt.flatMap { $0 <= refusing.confirmedAt && $0 <= now ? $0 : nil }
            if let paid = paidAt, refusing.confirmedAt >= paid {
                claim.state = .clawedBack
                claim.payout = payout
                claim.paidAt = paid
                claim.clawedBackAt = refusing.confirmedAt
                claim.clawedBackAmount = payout
                why.hit(
                    "insurance.claim.claw_back", fired: true,
                    facts: [UsedFact.string("complaint.id", refusing.complaintID), UsedFact.money("claim.payout", payout),
                            UsedFact.time("claim.paid_at", paid)],
                    sentence: "A \(type) case on the order was confirmed after the payout: \(moneyText(payout)) is clawed back.")
            } else {
                claim.state = .refused
                claim.payout = money(0, payout.currency)
                claim.paidAt = nil
                why.hit(
                    "insurance.claim.refused", fired: true, facts: [UsedFact.string("complaint.id", refusing.complaintID)],
                    sentence: "A confirmed \(type) case is on the order: the claim is refused.")
            }
        } else {
            claim.payout = payout
            why.hit("insurance.claim.payout_cap", fired: cost.amountMinor > cap.amountMinor,
                    facts: [UsedFact.money("return.shipping_cost", cost), UsedFact.money("rules.payout_cap", cap)],
                    sentence: "Pays the return shipping, \(moneyText(cost)), up to \(moneyText(cap)): \(moneyText(payout)).")
            if let due = claim.payoutDueAt, due <= now {
                claim.state = .paid
                claim.paidAt = claim.paidAt ?? due
            } else {
                claim.state = .pending
                claim.paidAt = nil
            }
            why.hit("insurance.claim.payout_delay", fired: claim.state == .paid,
                    facts: claim.payoutDueAt.map { [UsedFact.time("claim.payout_due_at", $0)] } ?? [],
                    sentence: claim.payoutDueAt.map { "Paid automatically at \(timeText($0)), \(durationText(rules.payoutDelay ?? ProtoDuration())) after the refund." }
                        ?? "Waiting for the refund.")
        }
        claim.explanation = why.finish(summary: why.firstSentence)
        return claim
    }

    /// A merchant's return insurance over a period: returns, claims, premiums, and
    /// the saving against paying the insured returns' shipping directly.
    public static func costReport(
        merchantID: String, period: TimeRange, returnCount: Int64, claims: [ReturnInsuranceClaim], premiumOrderCount: Int64,
        premiumsPaid: Money, ruleSet: RuleSet, now: ProtoTimestamp
    ) -> GetReturnInsuranceCostReportResponse {
        var report = GetReturnInsuranceCostReportResponse()
        let currency = premiumsPaid.currency
        report.merchantId = merchantID
        report.period = period
        report.returnCount = returnCount
        report.insuredReturnCount = Int64(claims.count)
        let paid = claims.filter { $0.state == .paid }
        report.claimsPaidCount = Int64(paid.count)
        report.claimsPaidAmount = money(paid.reduce(0) { $0 + ($1.payout?.amountMinor ?? 0) }, currency)
        report.claimsRefusedCount = Int64(claims.count { $0.state == .refused })
        let clawed = claims.filter { $0.state == .clawedBack }
        report.claimsClawedBackCount = Int64(clawed.count)
        report.clawedBackAmount = money(clawed.reduce(0) { $0 + ($1.clawedBackAmount?.amountMinor ?? 0) }, currency)
        report.premiumOrderCount = premiumOrderCount
        report.premiumsPaid = premiumsPaid
        // Without insurance the merchant would have paid every insured return's shipping.
        let direct = claims.reduce(Int64(0)) { $0 + ($1.shippingCost?.amountMinor ?? 0) }
        report.directShippingCost = money(direct, currency)
        let saving = direct - premiumsPaid.amountMinor
        report.saving = money(saving, currency)
        report.savingBp = direct == 0 ? 0 : Int32(clamping: saving * 10_000 / direct)
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        let sentence = "Return shipping for \(claims.count) insured returns would have cost \(moneyText(report.directShippingCost!)); premiums cost \(moneyText(premiumsPaid)): a saving of \(moneyText(report.saving!)) (\(report.savingBp / 100)%)."
        why.hit("insurance.cost_report.saving", fired: saving > 0,
                facts: [UsedFact.money("report.direct_shipping_cost", report.directShippingCost!), UsedFact.money("report.premiums_paid", premiumsPaid)],
                sentence: sentence)
        report.explanation = why.finish(summary: sentence)
        return report
    }
}
