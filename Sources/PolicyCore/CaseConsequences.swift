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
            consequence.appliedAt = ProtoTimestamp(seconds: confirmed.confirmedAt, nanos: 0)
            consequence.state = !granted ? .notGranted : confirmed.reversed ? .reversed : .applied
            if confirmed.reversed { consequence.reversedAt = now }
            var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
            why.hit(
                "integrity.consequence.\(shortName(kind, prefix: "CONSEQUENCE_KIND_").lowercased())", fired: granted && !confirmed.reversed,
                facts: [Fact.string("complaint.id", confirmed.complaintID), Fact.string("merchant.tier", tier), Fact.bool("complaint.overturned", confirmed.reversed)],
                sentence: !granted ? "Tier \(tier) does not grant this: \(sentence.lowercased())"
                    : confirmed.reversed ? "Reversed on appeal: \(sentence.lowercased())" : sentence)
            consequence.explanation = why.finish(summary: why.firstSentence)
            return consequence
        }
    }

    /// Whether the buyer may order from the merchant: not while a store limit there
    /// or a platform limit is running.
    public static func checkOrder(merchantID: String, sanctions: [Sanction], now: ProtoTimestamp) -> OrderCheck {
        var check = OrderCheck()
        check.merchantId = merchantID
        for sanction in sanctions where sanction.state == .active && isRunning(sanction, at: now.seconds)
            && (sanction.kind == .platformPurchaseLimit || (sanction.kind == .storePurchaseLimit && sanction.merchantId == merchantID))
        {
            var restriction = ActiveRestriction()
            restriction.kind = sanction.kind
            restriction.sanctionId = sanction.sanctionId
            restriction.until = sanction.endsAt
            restriction.explanation = sanction.explanation
            check.restrictions.append(restriction)
        }
        check.allowed = check.restrictions.isEmpty
        return check
    }

    /// Whether an after-sales request on `orderID` goes ahead: not when a confirmed
    /// case is on the order or auto-reject is running; and whether the platform may
    /// intervene for the buyer against the merchant.
    public static func checkAfterSales(
        merchantID: String, orderID: String, cases: [ConfirmedCase], sanctions: [Sanction], ruleSet: RuleSet,
        now: ProtoTimestamp
    ) -> CheckAfterSalesAllowedResponse {
        var response = CheckAfterSalesAllowedResponse()
        var why = ExplanationBuilder(ruleSet: ruleSet, now: now)
        for item in cases where !item.reversed && item.orderID == orderID {
            var block = AfterSalesBlock()
            block.kind = .confirmedCaseOnOrder
            block.complaintId = item.complaintID
            response.blocks.append(block)
            why.hit("integrity.consequence.reject_after_sales", fired: true, facts: [Fact.string("complaint.id", item.complaintID)],
                    sentence: "A confirmed case is on this order: after-sales requests are rejected.")
        }
        for sanction in sanctions where sanction.kind == .afterSalesAutoReject && sanction.state == .active {
            var block = AfterSalesBlock()
            block.kind = .autoRejectSanction
            block.sanctionId = sanction.sanctionId
            block.explanation = sanction.explanation
            response.blocks.append(block)
            why.hit("integrity.sanction.after_sales_auto_reject", fired: true, facts: [Fact.string("sanction.id", sanction.sanctionId)],
                    sentence: "After-sales auto-reject is running for this buyer.")
        }
        response.allowed = response.blocks.isEmpty
        let rights = { (tier: Tier) in ruleSet.tiers.first { $0.tier == tier }?.rights ?? [] }
        response.nonInterventionComplaintIds = cases.filter {
            !$0.reversed && $0.merchantID == merchantID && rights($0.merchantTier).contains(.platformNonIntervention)
        }.map(\.complaintID)
        response.proactiveInterventionAllowed = response.nonInterventionComplaintIds.isEmpty
        response.explanation = why.finish(summary: response.allowed ? "After-sales may go ahead." : "After-sales requests are rejected.")
        return response
    }

    /// Whether a return-insurance claim on `orderID` is refused: a confirmed case of
    /// a refusing type (FAKE_RETURN, RETURN_SWAP by default) is on the order. A claim
    /// already paid is clawed back when such a case is confirmed later.
    public static func claimRefusal(orderID: String, cases: [ConfirmedCase], ruleSet: RuleSet) -> ConfirmedCase? {
        let refusing = ruleSet.insurance?.refusingComplaintTypes ?? []
        return cases.first { !$0.reversed && $0.orderID == orderID && refusing.contains($0.type) }
    }

    static func isRunning(_ sanction: Sanction, at time: Int64) -> Bool {
        (sanction.startsAt?.seconds ?? .max) <= time && time < (sanction.endsAt?.seconds ?? .max)
    }
}
