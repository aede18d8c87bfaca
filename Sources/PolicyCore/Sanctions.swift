import ProtectionMessages
import ProtoWire

/// The sanction ladder as a function of a buyer's confirmed cases: their times
/// are replayed in order, and at each moment a case is confirmed or expires the
/// rungs are evaluated: a store limit for a case with a tier-A merchant, a
/// platform limit (doubling with each one in the lookback, capped) at enough
/// points from enough merchants, after-sales auto-reject while points stay at
/// or above its threshold. An overturned case counts as never confirmed.
public enum Sanctions {
    /// Every sanction the cases lead to by `now`, active or ended, in start order.
    public static func sanctions(for cases: [ConfirmedCase], ruleSet: RuleSet, now: Int64) -> [Sanction] {
        var state = LadderState()
        for time in eventTimes(cases, after: nil, until: now) { state.step(at: time, cases: cases, ruleSet: ruleSet) }
        return state.finished(now: now, ruleSet: ruleSet)
    }

    /// Times at which a case (not overturned) is confirmed or expires, after `after`, up to `until`.
    static func eventTimes(_ cases: [ConfirmedCase], after: Int64?, until: Int64) -> [Int64] {
        var times: Set<Int64> = []
        for item in cases where !item.reversed {
            for time in [item.confirmedAt, item.expiresAt] where time <= until && after.map({ time > $0 }) ?? true {
                times.insert(time)
            }
        }
        return times.sorted()
    }
}

/// The sanctions as the replay has built them so far.
struct LadderState: Hashable, Sendable {
    var sanctions: [Sanction] = []
    var lastTime: Int64?

    /// Evaluates every rung at `time` against the cases active then.
    mutating func step(at time: Int64, cases: [ConfirmedCase], ruleSet: RuleSet) {
        lastTime = time
        guard let ladder = ruleSet.sanctions else { return }
        let active = cases.filter { $0.isActive(at: time) }
        let points = active.reduce(Int32(0)) { $0 + $1.points }
        let merchants = Set(active.map(\.merchantID))

        if let rule = ladder.storePurchaseLimit, let duration = rule.duration?.seconds {
            for item in active where item.confirmedAt == time && rule.merchantTiers.contains(item.merchantTier)
                && (item.storeLimitRequested || !rule.requiresMerchantRequest)
            {
                let byMerchant = active.filter { $0.merchantID == item.merchantID }
                guard byMerchant.count >= rule.minConfirmedCases,
                    !isActive(.storePurchaseLimit, merchant: item.merchantID, at: time)
                else { continue }
                add(.storePurchaseLimit, item.buyerID, merchant: item.merchantID, at: time, seconds: duration,
                    causes: byMerchant.map(\.complaintID), points: points, merchants: merchants.count,
                    sentence: "A confirmed case by a merchant in tier \(shortName(item.merchantTier, prefix: "TIER_")): purchase limit at that store for \(durationText(ProtoDuration(seconds: duration, nanos: 0))).",
                    ruleID: rule.ruleId)
            }
        }
        if let rule = ladder.platformPurchaseLimit, let base = rule.baseDuration?.seconds,
            points >= rule.minActivePoints, merchants.count >= rule.minDistinctMerchants,
            !isActive(.platformPurchaseLimit, merchant: "", at: time)
        {
            let lookback = rule.repeatLookback?.seconds ?? 0
            let k = sanctions.filter { $0.kind == .platformPurchaseLimit && ($0.startsAt?.seconds ?? 0) > time - lookback }.count
            var seconds = base
            for _ in 0..<k where seconds < (rule.maxDuration?.seconds ?? .max) { seconds *= Int64(max(rule.repeatMultiplier, 1)) }
            seconds = min(seconds, rule.maxDuration?.seconds ?? seconds)
            add(.platformPurchaseLimit, active.first?.buyerID ?? "", merchant: "", at: time, seconds: seconds,
                causes: active.map(\.complaintID), points: points, merchants: merchants.count,
                sentence: "\(points) active points from \(merchants.count) merchants (threshold \(rule.minActivePoints) from \(rule.minDistinctMerchants)); \(k) platform limits in the lookback: limit for \(durationText(ProtoDuration(seconds: seconds, nanos: 0))).",
                ruleID: rule.ruleId, repeatIndex: Int32(k))
        }
        if let rule = ladder.afterSalesAutoReject {
            let open = sanctions.lastIndex { $0.kind == .afterSalesAutoReject && $0.endedAt == nil }
            if points >= rule.minActivePoints, open == nil {
                add(.afterSalesAutoReject, active.first?.buyerID ?? "", merchant: "", at: time, seconds: nil,
                    causes: active.map(\.complaintID), points: points, merchants: merchants.count,
                    sentence: "\(points) active points (threshold \(rule.minActivePoints)): after-sales requests are rejected automatically while they stay at or above it.",
                    ruleID: rule.ruleId)
            } else if points < rule.minActivePoints, let open {
                sanctions[open].endedAt = ProtoTimestamp(seconds: time, nanos: 0)
                sanctions[open].endsAt = ProtoTimestamp(seconds: time, nanos: 0)
            }
        }
    }

    /// Whether a fixed-length sanction of `kind` (at `merchant`) covers `time`.
    func isActive(_ kind: SanctionKind, merchant: String, at time: Int64) -> Bool {
        sanctions.contains {
            $0.kind == kind && $0.merchantId == merchant && ($0.startsAt?.seconds ?? .max) <= time
                && time < ($0.endsAt?.seconds ?? .max)
        }
    }

    mutating func add(
        _ kind: SanctionKind, _ buyer: String, merchant: String, at time: Int64, seconds: Int64?, causes: [String],
        points: Int32, merchants: Int, sentence: String, ruleID: String, repeatIndex: Int32 = 0
    ) {
        var sanction = Sanction()
        sanction.sanctionId = "S-\(buyer)-\(shortName(kind, prefix: "SANCTION_KIND_").lowercased())-\(merchant.isEmpty ? "" : merchant + "-")\(time)"
        sanction.buyerId = buyer
        sanction.kind = kind
        sanction.merchantId = merchant
        sanction.startsAt = ProtoTimestamp(seconds: time, nanos: 0)
        if let seconds {
            sanction.duration = ProtoDuration(seconds: seconds, nanos: 0)
            sanction.endsAt = ProtoTimestamp(seconds: time + seconds, nanos: 0)
        } else {
            sanction.openEnded = true
        }
        sanction.repeatIndex = repeatIndex
        sanction.activePointsAtStart = points
        sanction.distinctMerchantsAtStart = Int32(merchants)
        sanction.causeComplaintIds = causes.sorted()
        var hit = RuleHit()
        hit.ruleId = ruleID
        hit.fired = true
        hit.sentence = sentence
        hit.facts = [
            Fact.int("buyer.active_points", points, unit: .points), Fact.int("buyer.distinct_merchants", merchants, unit: .count),
            Fact.time("sanction.starts_at", ProtoTimestamp(seconds: time, nanos: 0)),
        ]
        var explanation = Explanation()
        explanation.hits = [hit]
        explanation.summary = sentence
        sanction.explanation = explanation
        sanctions.append(sanction)
    }

    /// The sanctions with their states at `now` and the rule set named.
    func finished(now: Int64, ruleSet: RuleSet) -> [Sanction] {
        sanctions.map { sanction in
            var sanction = sanction
            if sanction.endedAt == nil, let end = sanction.endsAt?.seconds, end <= now {
                sanction.endedAt = ProtoTimestamp(seconds: end, nanos: 0)
            }
            sanction.state = sanction.endedAt == nil ? .active : .expired
            sanction.explanation?.ruleSetVersion = ruleSet.version
            sanction.explanation?.ruleSetEffectiveAt = ruleSet.effectiveAt
            return sanction
        }
    }
}
