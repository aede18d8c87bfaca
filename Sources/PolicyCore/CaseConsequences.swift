import ProtectionMessages
import ProtoWire

/// What a confirmed case does beyond the ledger and the ladder: the after-sales
/// request on its order is rejected, the platform does not intervene for the
/// buyer against that merchant, and the order leaves the merchant's return and
/// dispute rates; the last two only where the merchant's tier grants them. An
/// overturned case's consequences show as reversed.
public enum CaseConsequences {
    public static func consequences(of confirmed: ConfirmedCase, ruleSet: RuleSet, now: ProtoTimestamp) -> [Consequence] {
        let rights = ruleSet.tiers.first { $0.tier == confirmed.merchantTier }?.rights ?? []
        let tier = shortName(confirmed.merchantTier, prefix: "TIER_")
        let grants: [(ConsequenceKind, MerchantRight?, String)] = [
            (.rejectAfterSales, nil, "The after-sales request on the order is rejected."),
            (.noProactiveIntervention, .platformNonIntervention, "The platform does not intervene for this buyer against this merchant."),
            (.excludeFromRates, .excludeFromRates, "The order is left out of the merchant's return and dispute rates."),
        ]
        return grants.map { kind, right, sentence in
            let granted = right.map(rights.contains) ?? true
            var consequence = Consequence()
            consequence.kind = kind
            consequence.orderId = confirmed.orderID
            consequence.state = !granted ? .notGranted : confirmed.reversed ? .reversed : .applied
            if granted { consequence.appliedAt = confirmed.confirmedAt }
            if granted, confirmed.reversed { consequence.reversedAt = confirmed.reversedAt ?? now }
            var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
            why.hit(
                "integrity.consequence.\(shortName(kind, prefix: "CONSEQUENCE_KIND_").lowercased())", fired: granted && !confirmed.reversed,
                facts: [UsedFact.string("complaint.id", confirmed.complaintID), UsedFact.string("merchant.tier", tier), UsedFact.bool("complaint.overturned", confirmed.reversed)],
                sentence: !granted ? "Tier \(tier) does not grant this: \(sentence.lowercased())"
                    : confirmed.reversed ? "Reversed on appeal: \(sentence.lowercased())" : sentence)
            consequence.explanation = why.finish(summary: why.firstSentence)
            return consequence
        }
    }

    /// Whether a return-insurance claim on `orderID` is refused: a confirmed case of
    /// a refusing type (FAKE_RETURN, RETURN_SWAP by default) is on the order. A claim
    /// already paid is clawed back when such a case is confirmed later.
    public static func claimRefusal(orderID: String, cases: [ConfirmedCase], ruleSet: RuleSet) -> ConfirmedCase? {
        let refusing = ruleSet.insurance?.refusingComplaintTypes ?? []
        return cases.first { !$0.reversed && $0.orderID == orderID && refusing.contains($0.type) }
    }

    /// A confirmed case's exclusion from its merchant's return and dispute rates,
    /// with its rule, when its tier grants one and it applies at `now`.
    public static func rateExclusion(of item: ConfirmedCase, ruleSet: RuleSet, now: ProtoTimestamp) -> ExcludedCase? {
        guard let consequence = consequences(of: item, ruleSet: ruleSet, now: now)
            .first(where: { $0.kind == .excludeFromRates && $0.state == .applied })
        else { return nil }
        var excluded = ExcludedCase()
        excluded.orderId = item.orderID
        excluded.complaintId = item.complaintID
        excluded.reason = .confirmedIntegrityCase
        excluded.indicators = [.disputeRate, .returnRate]
        excluded.excludedAt = item.confirmedAt
        excluded.explanation = consequence.explanation
        return excluded
    }
}
