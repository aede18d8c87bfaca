import ProtectionMessages
import ProtoWire

/// The hot-path checks the order and after-sales systems call: may this buyer
/// order at a store (or at every store of a cart), and may an after-sales request
/// go ahead. Only sanctions running at `now` count, whatever state they were
/// stored with.
public enum PurchaseChecks {
    /// Whether the buyer may order from the merchant: not while a store limit there
    /// or a platform limit is running.
    public static func checkOrder(merchantID: String, sanctions: [Sanction], now: ProtoTimestamp) -> OrderCheck {
        var check = OrderCheck()
        check.merchantId = merchantID
        for sanction in sanctions where isRunning(sanction, at: now)
            && (sanction.kind == .platformPurchaseLimit
                || (sanction.kind == .storePurchaseLimit && sanction.merchantId == merchantID))
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

    /// The order check for every distinct store of a cart, in order; allowed only if
    /// every store is.
    public static func checkCart(merchantIDs: [String], sanctions: [Sanction], now: ProtoTimestamp)
        -> CheckCartAllowedResponse
    {
        var response = CheckCartAllowedResponse()
        var seen = Set<String>()
        for merchantID in merchantIDs where seen.insert(merchantID).inserted {
            response.checks.append(checkOrder(merchantID: merchantID, sanctions: sanctions, now: now))
        }
        response.allAllowed = response.checks.allSatisfy(\.allowed)
        return response
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
        func block(_ kind: AfterSalesBlockKind, complaint: String = "", sanction: Sanction? = nil, rule: String, _ sentence: String) {
            var block = AfterSalesBlock()
            block.kind = kind
            block.complaintId = complaint
            block.sanctionId = sanction?.sanctionId ?? ""
            block.explanation = sanction?.explanation
            response.blocks.append(block)
            let fact = sanction.map { UsedFact.string("sanction.id", $0.sanctionId) } ?? UsedFact.string("complaint.id", complaint)
            why.hit(rule, fired: true, facts: [fact], sentence: sentence)
        }
        for item in cases where !item.reversed && item.orderID == orderID {
            block(
                .confirmedCaseOnOrder, complaint: item.complaintID, rule: "integrity.consequence.reject_after_sales",
                "A confirmed case is on this order: after-sales requests are rejected.")
        }
        for sanction in sanctions where sanction.kind == .afterSalesAutoReject && isRunning(sanction, at: now) {
            block(
                .autoRejectSanction, sanction: sanction, rule: "integrity.sanction.after_sales_auto_reject",
                "After-sales auto-reject is running for this buyer.")
        }
        response.allowed = response.blocks.isEmpty
        let rights = { (tier: Tier) in ruleSet.tiers.first { $0.tier == tier }?.rights ?? [] }
        response.nonInterventionComplaintIds = cases.filter {
            !$0.reversed && $0.merchantID == merchantID && rights($0.merchantTier).contains(.platformNonIntervention)
        }.map(\.complaintID)
        response.proactiveInterventionAllowed = response.nonInterventionComplaintIds.isEmpty
        if !response.proactiveInterventionAllowed {
            why.hit(
                "integrity.consequence.no_proactive_intervention", fired: true,
                facts: response.nonInterventionComplaintIds.map { UsedFact.string("complaint.id", $0) },
                sentence: "A confirmed case with this store: the platform does not intervene on its own.")
        }
        response.explanation = why.finish(
            summary: response.allowed ? "After-sales may go ahead." : "After-sales requests are rejected.")
        return response
    }

    /// Whether a sanction is in force at `time`: started, not yet ended (the end is
    /// exclusive), not lifted.
    public static func isRunning(_ sanction: Sanction, at time: ProtoTimestamp) -> Bool {
        guard sanction.state != .lifted, let start = sanction.startsAt, start <= time else { return false }
        if let ended = sanction.endedAt, ended <= time { return false }
        guard let end = sanction.endsAt else { return true }
        return time < end
    }
}
