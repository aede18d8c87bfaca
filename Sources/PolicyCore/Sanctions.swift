import ProtectionMessages
import ProtoWire

/// The sanction ladder as a function of a buyer's confirmed cases: their times
/// are replayed in order, and at each moment a case is confirmed or expires the
/// rungs are evaluated: a store limit for a case with a tier-A merchant, a
/// platform limit (doubling with each one in the lookback, capped) at enough
/// points from enough merchants, after-sales auto-reject while points stay at
/// or above its threshold. A platform limit is imposed when the ledger changes
/// and none is running. An overturned case counts as never confirmed. Each
/// moment is judged by the rule set in force at it.
public enum Sanctions {
    /// Every sanction the cases lead to by `now`, active or ended: buyer by buyer,
    /// each buyer's in start order.
    public static func sanctions(for cases: [ConfirmedCase], ruleSet: RuleSet, now: ProtoTimestamp) -> [Sanction] {
        sanctions(for: cases, ruleSets: [ruleSet], now: now)
    }

    /// The same, each moment judged by the rule set of `ruleSets` in force then.
    public static func sanctions(for cases: [ConfirmedCase], ruleSets: [RuleSet], now: ProtoTimestamp) -> [Sanction] {
        let timeline = LadderTimeline(ruleSets)
        return byBuyer(cases).flatMap { buyerCases in
            let table = CaseTable(buyerCases)
            var state = LadderState()
            state.replay(table: table, timeline: timeline, until: now.seconds)
            return state.finished(table: table, timeline: timeline, now: now.seconds)
        }
    }

    /// The cases grouped by buyer, buyers in order of first appearance.
    static func byBuyer(_ cases: [ConfirmedCase]) -> [[ConfirmedCase]] {
        var order: [String] = []
        var groups: [String: [ConfirmedCase]] = [:]
        for item in cases {
            if groups[item.buyerID] == nil { order.append(item.buyerID) }
            groups[item.buyerID, default: []].append(item)
        }
        return order.map { groups[$0]! }
    }
}

/// A buyer's cases in columns, merchants numbered, for replaying without copies.
struct CaseTable {
    let cases: [ConfirmedCase]
    /// Per case, its merchant's number.
    let merchant: [Int]

    init(_ cases: [ConfirmedCase]) {
        self.cases = cases
        // Few merchants per buyer: a list beats hashing.
        var seen: [String] = []
        merchant = cases.map { item in
            if let number = seen.firstIndex(of: item.merchantID) { return number }
            seen.append(item.merchantID)
            return seen.count - 1
        }
        var changes: [Change] = []
        changes.reserveCapacity(cases.count * 2)
        for index in cases.indices where !cases[index].reversed {
            changes.append(
                Change(time: cases[index].confirmedAt.seconds, index: index, delta: cases[index].points, confirms: true))
            changes.append(
                Change(time: cases[index].expiresAt.seconds, index: index, delta: -cases[index].points, confirms: false))
        }
        changes.sort { $0.time < $1.time }
        self.changes = changes
        self.merchantCount = seen.count
    }

    func isActive(_ index: Int, at time: Int64) -> Bool {
        !cases[index].reversed && cases[index].confirmedAt.seconds <= time && time < cases[index].expiresAt.seconds
    }

    /// A counted case starting or ceasing to count.
    struct Change {
        var time: Int64
        var index: Int
        var delta: Int32
        var confirms: Bool
    }

    /// Every change, in time order.
    let changes: [Change]
    let merchantCount: Int

    /// The position of the first change after `time`.
    func firstChange(after time: Int64?) -> Int {
        guard let time else { return 0 }
        var low = 0
        var high = changes.count
        while low < high {
            let middle = (low + high) / 2
            if changes[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low
    }

}

/// The ladder's parameters, read once from a rule set.
struct LadderRules {
    let ruleSet: RuleSet
    var store: StorePurchaseLimitRule?
    var storeSeconds: Int64 = 0
    var platform: PlatformPurchaseLimitRule?
    var platformBase: Int64 = 0
    var platformMax: Int64 = .max
    var platformLookback: Int64 = 0
    var autoReject: AfterSalesAutoRejectRule?

    init(_ ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        let ladder = ruleSet.sanctions
        if let store = ladder?.storePurchaseLimit, let seconds = store.duration?.seconds {
            self.store = store
            storeSeconds = seconds
        }
        if let platform = ladder?.platformPurchaseLimit, let base = platform.baseDuration?.seconds {
            self.platform = platform
            platformBase = base
            platformMax = platform.maxDuration?.seconds ?? .max
            platformLookback = platform.repeatLookback?.seconds ?? 0
        }
        autoReject = ladder?.afterSalesAutoReject
    }
}

/// The ladder's parameters of every rule set, and which is in force when.
struct LadderTimeline {
    /// By effective time, then version.
    let rules: [LadderRules]
    private let starts: [Int64]

    init(_ ruleSets: [RuleSet]) {
        let sorted = ruleSets.sorted {
            ($0.effectiveAt?.seconds ?? .min, $0.version) < ($1.effectiveAt?.seconds ?? .min, $1.version)
        }
        rules = sorted.map(LadderRules.init)
        starts = sorted.map { $0.effectiveAt?.seconds ?? .min }
    }

    /// The position of the rule set in force at `time`: the latest effective by then,
    /// else the earliest.
    func index(at time: Int64) -> Int {
        starts.lastIndex { $0 <= time } ?? 0
    }
}

/// One sanction as the replay decides it: what, where, when, and which cases caused it.
public struct SanctionSpan: Hashable, Sendable {
    public var kind: SanctionKind
    /// The store, for store limits; empty otherwise.
    public var merchantID: String
    /// Seconds since the epoch.
    public var start: Int64
    /// When it ends (or ended); nil while an open-ended sanction lasts.
    public var end: Int64?
    /// Its length, for fixed-length sanctions.
    public var seconds: Int64?
    public var repeatIndex: Int32
    public var activePointsAtStart: Int32
    public var distinctMerchantsAtStart: Int32
    /// Position, in the cases given, of the case whose confirmation or expiry led to it.
    public var trigger: Int
    /// The merchant number (in the case table), -1 for none.
    var merchant: Int
    /// The position, in the ladder timeline, of the rule set that imposed it.
    var ruleSetIndex: Int
}

extension Sanctions {
    /// The sanctions the cases lead to by `now` as spans: the decision alone, without
    /// the messages and explanations ``sanctions(for:ruleSet:now:)`` renders from it.
    public static func spans(for cases: [ConfirmedCase], ruleSet: RuleSet, now: ProtoTimestamp) -> [SanctionSpan] {
        let timeline = LadderTimeline([ruleSet])
        return byBuyer(cases).flatMap { buyerCases in
            var state = LadderState()
            state.replay(table: CaseTable(buyerCases), timeline: timeline, until: now.seconds)
            return state.spans
        }
    }
}

/// The sanctions as the replay has built them so far.
struct LadderState: Hashable, Sendable {
    var spans: [SanctionSpan] = []
    var lastTime: Int64?
    /// Active points and, per merchant number, active cases, as of `lastTime`.
    var points: Int32 = 0
    var activeByMerchant: [Int] = []
    var distinctMerchants = 0

    /// Replays every moment after `lastTime` up to `until`, in order.
    mutating func replay(table: CaseTable, timeline: LadderTimeline, until: Int64) {
        if activeByMerchant.count < table.merchantCount {
            activeByMerchant += Array(repeating: 0, count: table.merchantCount - activeByMerchant.count)
        }
        var position = table.firstChange(after: lastTime)
        while position < table.changes.count, table.changes[position].time <= until {
            let time = table.changes[position].time
            let first = position
            var confirmedNow = false
            let trigger = table.changes[position].index
            while position < table.changes.count, table.changes[position].time == time {
                let change = table.changes[position]
                points += change.delta
                let merchant = table.merchant[change.index]
                activeByMerchant[merchant] += change.confirms ? 1 : -1
                if change.confirms, activeByMerchant[merchant] == 1 { distinctMerchants += 1 }
                if !change.confirms, activeByMerchant[merchant] == 0 { distinctMerchants -= 1 }
                confirmedNow = confirmedNow || change.confirms
                position += 1
            }
            let ruleSetIndex = timeline.index(at: time)
            step(
                at: time, confirmedNow: confirmedNow, changes: first..<position, trigger: trigger, table: table,
                rules: timeline.rules[ruleSetIndex], ruleSetIndex: ruleSetIndex)
        }
    }

    /// Evaluates every rung at `time`, with the counts as of `time`.
    mutating func step(
        at time: Int64, confirmedNow: Bool, changes: Range<Int>, trigger: Int, table: CaseTable, rules: LadderRules,
        ruleSetIndex: Int
    ) {
        lastTime = time
        let points = self.points
        let merchants = self.distinctMerchants
        func add(_ kind: SanctionKind, merchant: Int, seconds: Int64?, trigger: Int, repeatIndex: Int32 = 0) {
            spans.append(
                SanctionSpan(
                    kind: kind, merchantID: merchant < 0 ? "" : table.cases[trigger].merchantID, start: time,
                    end: seconds.map { time + $0 }, seconds: seconds, repeatIndex: repeatIndex, activePointsAtStart: points,
                    distinctMerchantsAtStart: Int32(merchants), trigger: trigger, merchant: merchant,
                    ruleSetIndex: ruleSetIndex))
        }

        if confirmedNow, let rule = rules.store {
            for change in table.changes[changes] where change.confirms {
                let index = change.index
                guard rule.merchantTiers.contains(table.cases[index].merchantTier),
                    table.cases[index].storeLimitRequested || !rule.requiresMerchantRequest,
                    table.isActive(index, at: time), !isRunning(.storePurchaseLimit, merchant: table.merchant[index], at: time)
                else { continue }
                guard activeByMerchant[table.merchant[index]] >= rule.minConfirmedCases else { continue }
                add(.storePurchaseLimit, merchant: table.merchant[index], seconds: rules.storeSeconds, trigger: index)
            }
        }
        if let rule = rules.platform, points >= rule.minActivePoints, merchants >= rule.minDistinctMerchants,
            !isRunning(.platformPurchaseLimit, merchant: -1, at: time)
        {
            let k = spans.filter { $0.kind == .platformPurchaseLimit && $0.start > time - rules.platformLookback }.count
            var seconds = rules.platformBase
            for _ in 0..<k where seconds < rules.platformMax { seconds *= Int64(max(rule.repeatMultiplier, 1)) }
            add(.platformPurchaseLimit, merchant: -1, seconds: min(seconds, rules.platformMax), trigger: trigger, repeatIndex: Int32(k))
        }
        if let rule = rules.autoReject {
            let open = spans.lastIndex { $0.kind == .afterSalesAutoReject && $0.end == nil }
            if points >= rule.minActivePoints, open == nil {
                add(.afterSalesAutoReject, merchant: -1, seconds: nil, trigger: trigger)
            } else if points < rule.minActivePoints, let open {
                spans[open].end = time
            }
        }
    }

    /// Whether a sanction of `kind` at merchant number `merchant` covers `time`.
    private func isRunning(_ kind: SanctionKind, merchant: Int, at time: Int64) -> Bool {
        spans.contains { $0.kind == kind && $0.merchant == merchant && $0.start <= time && time < ($0.end ?? .max) }
    }

    /// The sanctions as messages with their states at `now`, each explained.
    func finished(table: CaseTable, timeline: LadderTimeline, now: Int64) -> [Sanction] {
        spans.map { span in
            let rules = timeline.rules[span.ruleSetIndex]
            let ruleSet = rules.ruleSet
            let buyer = table.cases[span.trigger].buyerID
            var sanction = Sanction()
            sanction.sanctionId = "S-\(buyer)-\(shortName(span.kind, prefix: "SANCTION_KIND_").lowercased())-\(span.merchantID.isEmpty ? "" : span.merchantID + "-")\(span.start)"
            sanction.buyerId = buyer
            sanction.kind = span.kind
            sanction.merchantId = span.merchantID
            sanction.startsAt = ProtoTimestamp(seconds: span.start, nanos: 0)
            sanction.openEnded = span.seconds == nil
            sanction.duration = span.seconds.map { ProtoDuration(seconds: $0, nanos: 0) }
            sanction.endsAt = span.end.map { ProtoTimestamp(seconds: $0, nanos: 0) }
            if let end = span.end, end <= now { sanction.endedAt = ProtoTimestamp(seconds: end, nanos: 0) }
            sanction.state = sanction.endedAt == nil ? .active : .expired
            sanction.repeatIndex = span.repeatIndex
            sanction.activePointsAtStart = span.activePointsAtStart
            sanction.distinctMerchantsAtStart = span.distinctMerchantsAtStart
            // The causes: the cases active when it started (at its store, for a store limit).
            sanction.causeComplaintIds = table.cases.indices
                .filter { table.isActive($0, at: span.start) && (span.merchant < 0 || table.merchant[$0] == span.merchant) }
                .map { table.cases[$0].complaintID }.sorted()
            let (ruleID, sentence) = Self.reason(span, table: table, rules: rules)
            var hit = RuleHit()
            hit.ruleId = ruleID
            hit.fired = true
            hit.sentence = sentence
            hit.facts = [
                UsedFact.int("buyer.active_points", span.activePointsAtStart, unit: .points),
                UsedFact.int("buyer.distinct_merchants", span.distinctMerchantsAtStart, unit: .count),
                UsedFact.time("sanction.starts_at", ProtoTimestamp(seconds: span.start, nanos: 0)),
            ]
            var explanation = Explanation()
            explanation.ruleSetVersion = ruleSet.version
            explanation.ruleSetEffectiveAt = ruleSet.effectiveAt
            explanation.hits = [hit]
            explanation.summary = sentence
            sanction.explanation = explanation
            return sanction
        }
    }

    /// The rule and the sentence behind a span.
    static func reason(_ span: SanctionSpan, table: CaseTable, rules: LadderRules) -> (String, String) {
        let length = span.seconds.map { durationText(ProtoDuration(seconds: $0, nanos: 0)) } ?? ""
        switch span.kind {
        case .storePurchaseLimit:
            let tier = shortName(table.cases[span.trigger].merchantTier, prefix: "TIER_")
            return (rules.store?.ruleId ?? "", "A confirmed case by a merchant in tier \(tier): purchase limit at that store for \(length).")
        case .platformPurchaseLimit:
            let rule = rules.platform ?? PlatformPurchaseLimitRule()
            return (rule.ruleId, "\(span.activePointsAtStart) active points from \(span.distinctMerchantsAtStart) merchants (threshold \(rule.minActivePoints) from \(rule.minDistinctMerchants)); \(span.repeatIndex) platform limits in the lookback: limit for \(length).")
        default:
            let rule = rules.autoReject ?? AfterSalesAutoRejectRule()
            return (rule.ruleId, "\(span.activePointsAtStart) active points (threshold \(rule.minActivePoints)): after-sales requests are rejected automatically while they stay at or above it.")
        }
    }
}
