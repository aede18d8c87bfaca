import ProtectionMessages
import ProtoWire

/// One refund in a merchant's period.
public struct AnalysedRefund: Sendable, Hashable {
    public var orderID: String
    public var reason: ClaimReason
    public var amount: Money
    /// Refunded without the goods coming back ("refund only").
    public var refundOnly: Bool

    public init(orderID: String, reason: ClaimReason, amount: Money, refundOnly: Bool) {
        self.orderID = orderID
        self.reason = reason
        self.amount = amount
        self.refundOnly = refundOnly
    }
}

/// A merchant's refunds over a period: by reason, how many are tied to a
/// confirmed integrity case ("abnormal"), and the cases left out of its rates.
public enum RefundAnalysis {
    public static func analyse(
        merchantID: String, period: TimeRange, refunds: [AnalysedRefund], cases: [ConfirmedCase], ruleSet: RuleSet,
        now: ProtoTimestamp
    ) -> GetRefundAnalysisResponse {
        var response = GetRefundAnalysisResponse()
        response.merchantId = merchantID
        response.period = period
        let currency = refunds.first?.amount.currency ?? ruleSet.currency
        let confirmedOrders = Set(cases.filter { !$0.reversed && $0.merchantID == merchantID }.map(\.orderID))
        let isAbnormal = { (refund: AnalysedRefund) in confirmedOrders.contains(refund.orderID) }
        response.refundCount = Int64(refunds.count)
        response.refundedAmount = money(refunds.reduce(0) { $0 + $1.amount.amountMinor }, currency)
        response.refundOnlyCount = Int64(refunds.count(where: \.refundOnly))
        response.returnAndRefundCount = response.refundCount - response.refundOnlyCount
        response.abnormalCount = Int64(refunds.count(where: isAbnormal))
        response.abnormalShareBp = share(response.abnormalCount, of: response.refundCount)
        for reason in ClaimReason.allCases where refunds.contains(where: { $0.reason == reason }) {
            let these = refunds.filter { $0.reason == reason }
            var breakdown = RefundReasonBreakdown()
            breakdown.reason = reason
            breakdown.refundCount = Int64(these.count)
            breakdown.refundedAmount = money(these.reduce(0) { $0 + $1.amount.amountMinor }, currency)
            breakdown.shareBp = share(breakdown.refundCount, of: response.refundCount)
            breakdown.abnormalCount = Int64(these.count(where: isAbnormal))
            breakdown.abnormalShareBp = share(breakdown.abnormalCount, of: breakdown.refundCount)
            response.reasons.append(breakdown)
        }
        for item in cases where !item.reversed && item.merchantID == merchantID {
            if let excluded = CaseConsequences.rateExclusion(of: item, ruleSet: ruleSet, now: now) {
                response.excludedCases.append(excluded)
            }
        }
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        let sentence = "\(response.refundCount) refunds, \(response.abnormalCount) tied to confirmed integrity cases (\(response.abnormalShareBp / 100)%); \(response.excludedCases.count) orders left out of the rates."
        why.hit("merchant.refund_analysis", fired: response.abnormalCount > 0,
                facts: [UsedFact.int("refunds", response.refundCount, unit: .count), UsedFact.int("refunds.abnormal", response.abnormalCount, unit: .count)],
                sentence: sentence)
        response.explanation = why.finish(summary: sentence)
        return response
    }

    static func share(_ part: Int64, of whole: Int64) -> Int32 { whole == 0 ? 0 : Int32(part * 10_000 / whole) }
}
