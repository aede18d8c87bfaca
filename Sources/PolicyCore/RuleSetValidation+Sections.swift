import ProtectionMessages
import ProtoWire

extension Checker {
    mutating func header(_ ruleSet: RuleSet) {
        if ruleSet.version < 1 { error("version", "is \(ruleSet.version); versions start at 1") }
        if ruleSet.effectiveAt == nil { error("effective_at", "is missing") }
        let letters = Array(ruleSet.currency.utf8)
        if letters.count != 3 || !letters.allSatisfy({ (65...90).contains($0) }) {
            error("currency", "'\(ruleSet.currency)' is not an upper-case ISO 4217 code")
        }
    }

    mutating func rollout(_ rollout: RolloutRules?) {
        guard let rollout = required(rollout, "rollout") else { return }
        if !Self.isKnown(rollout.stage) { error("rollout.stage", "is not set to PILOT or GENERAL") }
        inRange(rollout.pilotMinScoreMilli, 0...5_000, "rollout.pilot_min_score_milli")
    }

    /// Tiers partition the scores: distinct tiers, ordered from the highest threshold
    /// down, no two with the same threshold, the last starting at 0.
    mutating func tiers(_ tiers: [TierRule]) {
        if tiers.isEmpty { return error("tiers", "is empty") }
        knownDistinct(tiers.map(\.tier), "tiers.tier")
        for (index, tier) in tiers.enumerated() {
            let path = "tiers[\(index)]"
            inRange(tier.minScoreMilli, 0...5_000, path + ".min_score_milli")
            knownDistinct(tier.fileableTypes, path + ".fileable_types", allowEmpty: true)
            knownDistinct(tier.rights, path + ".rights", allowEmpty: true)
            if index > 0 {
                let above = tiers[index - 1].minScoreMilli
                if tier.minScoreMilli == above {
                    error(path + ".min_score_milli", "overlaps tiers[\(index - 1)] (both start at \(above))")
                } else if tier.minScoreMilli > above {
                    error(path + ".min_score_milli", "is above tiers[\(index - 1)]'s \(above); list tiers from the highest")
                }
            }
        }
        if let last = tiers.last, last.minScoreMilli != 0 {
            error("tiers[\(tiers.count - 1)].min_score_milli", "is \(last.minScoreMilli); the lowest tier must start at 0 so every score has a tier")
        }
    }

    /// Every complaint type once, with its points and evidence requirements.
    mutating func complaintTypes(_ rules: [ComplaintTypeRule]) {
        knownDistinct(rules.map(\.type), "complaint_types.type")
        for type in ComplaintType.allCases where Self.isKnown(type) && !rules.contains(where: { $0.type == type }) {
            error("complaint_types", "has no rule for \(type.protoName ?? "\(type.rawValue)")")
        }
        var ids: Set<String> = []
        for (index, rule) in rules.enumerated() {
            let path = "complaint_types[\(index)]"
            if rule.points < 0 { error(path + ".points", "is negative (\(rule.points))") }
            for (r, requirement) in rule.requiredEvidence.enumerated() {
                let rpath = "\(path).required_evidence[\(r)]"
                ruleID(requirement.requirementId, rpath + ".requirement_id", seen: &ids)
                knownDistinct(requirement.anyOf, rpath + ".any_of")
                if requirement.minItems < 1 { error(rpath + ".min_items", "is \(requirement.minItems); at least 1") }
                if requirement.sentence.isEmpty { warning(rpath + ".sentence", "is empty; merchants see it when evidence is missing") }
            }
        }
    }

    mutating func clocks(_ clocks: ClockRules?) {
        guard let clocks = required(clocks, "clocks") else { return }
        positive(clocks.reviewClock, "clocks.review_clock")
        positive(clocks.evidenceDeadline, "clocks.evidence_deadline")
        positive(clocks.appealWindow, "clocks.appeal_window")
        positive(clocks.pointExpiry, "clocks.point_expiry")
    }

    /// The ladder climbs: each rung needs more than the one below it.
    mutating func sanctions(_ ladder: SanctionLadder?) {
        guard let ladder = required(ladder, "sanctions") else { return }
        var ids: Set<String> = []
        if let store = required(ladder.storePurchaseLimit, "sanctions.store_purchase_limit") {
            ruleID(store.ruleId, "sanctions.store_purchase_limit.rule_id", seen: &ids)
            if store.minConfirmedCases < 1 {
                error("sanctions.store_purchase_limit.min_confirmed_cases", "is \(store.minConfirmedCases); at least 1")
            }
            knownDistinct(store.merchantTiers, "sanctions.store_purchase_limit.merchant_tiers")
            positive(store.duration, "sanctions.store_purchase_limit.duration")
        }
        let platform = required(ladder.platformPurchaseLimit, "sanctions.platform_purchase_limit")
        if let platform {
            let path = "sanctions.platform_purchase_limit"
            ruleID(platform.ruleId, path + ".rule_id", seen: &ids)
            if platform.minActivePoints < 1 { error(path + ".min_active_points", "is \(platform.minActivePoints); at least 1") }
            if platform.minDistinctMerchants < 1 {
                error(path + ".min_distinct_merchants", "is \(platform.minDistinctMerchants); at least 1")
            }
            positive(platform.baseDuration, path + ".base_duration")
            if platform.repeatMultiplier < 1 { error(path + ".repeat_multiplier", "is \(platform.repeatMultiplier); at least 1") }
            positive(platform.repeatLookback, path + ".repeat_lookback")
            positive(platform.maxDuration, path + ".max_duration")
            if let base = platform.baseDuration, let max = platform.maxDuration, max.seconds < base.seconds {
                error(path + ".max_duration", "(\(max.seconds) s) is shorter than base_duration (\(base.seconds) s)")
            }
        }
        if let reject = required(ladder.afterSalesAutoReject, "sanctions.after_sales_auto_reject") {
            let path = "sanctions.after_sales_auto_reject"
            ruleID(reject.ruleId, path + ".rule_id", seen: &ids)
            if reject.minActivePoints < 1 { error(path + ".min_active_points", "is \(reject.minActivePoints); at least 1") }
            if let platform, reject.minActivePoints <= platform.minActivePoints {
                error(path + ".min_active_points", "(\(reject.minActivePoints)) must be above the platform limit's \(platform.minActivePoints): the ladder is out of order")
            }
        }
    }

    mutating func returnRisk(_ rules: ReturnRiskRules?) {
        guard let rules = required(rules, "return_risk") else { return }
        let path = "return_risk"
        for (value, name) in [
            (rules.pointsPerActivePoint, "points_per_active_point"),
            (rules.activePointsComponentCap, "active_points_component_cap"),
            (rules.confirmedCaseWithMerchantPoints, "confirmed_case_with_merchant_points"),
            (rules.highReturnRatePoints, "high_return_rate_points"), (rules.largeAmountPoints, "large_amount_points"),
        ] where value < 0 {
            error("\(path).\(name)", "is negative (\(value))")
        }
        inRange(rules.highReturnRateThresholdBp, 0...10_000, path + ".high_return_rate_threshold_bp")
        if rules.largeAmountMedianRatioBp < 10_000 {
            error(path + ".large_amount_median_ratio_bp", "is \(rules.largeAmountMedianRatioBp); a large amount is at least the median (10000)")
        }
        positive(rules.returnRateWindow, path + ".return_rate_window")
        positive(rules.medianOrderWindow, path + ".median_order_window")
        if !(0 < rules.mediumMinScore && rules.mediumMinScore < rules.highMinScore && rules.highMinScore <= rules.maxScore) {
            error(path, "needs 0 < medium_min_score (\(rules.mediumMinScore)) < high_min_score (\(rules.highMinScore)) <= max_score (\(rules.maxScore))")
        }
    }

    /// Premium steps climb with the return rate.
    mutating func insurance(_ rules: InsuranceRules?) {
        guard let rules = required(rules, "insurance") else { return }
        let path = "insurance"
        if rules.premiumSteps.isEmpty { warning(path + ".premium_steps", "is empty: every merchant pays premium_above_steps") }
        for (index, step) in rules.premiumSteps.enumerated() {
            let spath = "\(path).premium_steps[\(index)]"
            inRange(step.returnRateBelowBp, 1...10_000, spath + ".return_rate_below_bp")
            money(step.premium, spath + ".premium")
            if index > 0 {
                let before = rules.premiumSteps[index - 1]
                if step.returnRateBelowBp <= before.returnRateBelowBp {
                    error(spath + ".return_rate_below_bp", "(\(step.returnRateBelowBp)) must be above the previous step's \(before.returnRateBelowBp)")
                }
                if let premium = step.premium, let previous = before.premium, premium.amountMinor < previous.amountMinor {
                    warning(spath + ".premium", "is lower than for a lower return rate")
                }
            }
        }
        money(rules.premiumAboveSteps, path + ".premium_above_steps")
        money(rules.buyerPointsSurcharge, path + ".buyer_points_surcharge")
        money(rules.payoutCap, path + ".payout_cap")
        positive(rules.payoutDelay, path + ".payout_delay")
        positive(rules.returnRateWindow, path + ".return_rate_window")
        knownDistinct(rules.refusingComplaintTypes, path + ".refusing_complaint_types", allowEmpty: true)
    }

    mutating func priceErrors(_ rules: PriceErrorRules?) {
        guard let rules = required(rules, "price_errors") else { return }
        let path = "price_errors"
        positive(rules.reportWindow, path + ".report_window")
        inRange(rules.maxLiveToIntendedBp, 1...10_000, path + ".max_live_to_intended_bp")
        inRange(rules.maxLiveToReferenceBp, 1...10_000, path + ".max_live_to_reference_bp")
        positive(rules.referencePriceWindow, path + ".reference_price_window")
        if rules.recurrenceLimit < 1 { error(path + ".recurrence_limit", "is \(rules.recurrenceLimit); at least 1") }
        positive(rules.recurrencePeriod, path + ".recurrence_period")
        inRange(rules.compensationBp, 0...10_000, path + ".compensation_bp")
        money(rules.compensationMin, path + ".compensation_min")
        money(rules.compensationMax, path + ".compensation_max")
        if let low = rules.compensationMin, let high = rules.compensationMax, low.amountMinor > high.amountMinor {
            error(path + ".compensation_min", "(\(low.amountMinor)) is above compensation_max (\(high.amountMinor))")
        }
        money(rules.manualReviewLossThreshold, path + ".manual_review_loss_threshold")
    }

    /// Weights of every indicator, summing to 100%.
    mutating func experienceScore(_ rules: ExperienceScoreRules?) {
        guard let rules = required(rules, "experience_score") else { return }
        let path = "experience_score"
        knownDistinct(rules.weights.map(\.kind), path + ".weights.kind")
        for (index, weight) in rules.weights.enumerated() {
            inRange(weight.weightBp, 0...10_000, "\(path).weights[\(index)].weight_bp")
        }
        let total = rules.weights.reduce(0) { $0 + Int($1.weightBp) }
        if total != 10_000 { error(path + ".weights", "sum to \(total) bp, not 10000") }
        knownDistinct(rules.rateScales.map(\.kind), path + ".rate_scales.kind", allowEmpty: true)
        for (index, scale) in rules.rateScales.enumerated() {
            let spath = "\(path).rate_scales[\(index)]"
            inRange(scale.bestRateBp, 0...10_000, spath + ".best_rate_bp")
            inRange(scale.worstRateBp, 0...10_000, spath + ".worst_rate_bp")
            if scale.worstRateBp <= scale.bestRateBp {
                error(spath + ".worst_rate_bp", "(\(scale.worstRateBp)) must be above best_rate_bp (\(scale.bestRateBp))")
            }
        }
        positive(rules.rateWindow, path + ".rate_window")
        inRange(rules.maxScoreMilli, 1...5_000, path + ".max_score_milli")
    }

    /// Packs for known industries, each once; rule ids unique across packs.
    mutating func disputes(_ rules: DisputeRules?) {
        guard let rules = required(rules, "disputes") else { return }
        let path = "disputes"
        positive(rules.defaultQualityFeedbackWindow, path + ".default_quality_feedback_window")
        positive(rules.ordinaryFeedbackWindow, path + ".ordinary_feedback_window")
        knownDistinct(rules.qualityClaimReasons, path + ".quality_claim_reasons")
        knownDistinct(rules.packs.map(\.industry), path + ".packs.industry")
        var ids: Set<String> = []
        for (p, pack) in rules.packs.enumerated() {
            let ppath = "\(path).packs[\(p)]"
            if pack.packVersion < 1 { error(ppath + ".pack_version", "is \(pack.packVersion); versions start at 1") }
            if !Self.isKnown(pack.defaultOutcome) { error(ppath + ".default_outcome", "is not set") }
            for (r, rule) in pack.rules.enumerated() {
                let rpath = "\(ppath).rules[\(r)]"
                ruleID(rule.ruleId, rpath + ".rule_id", seen: &ids)
                knownDistinct(rule.reasons, rpath + ".reasons", allowEmpty: true)
                if !Self.isKnown(rule.outcomeWhenFired) { error(rpath + ".outcome_when_fired", "is not set") }
                switch rule.kind {
                case nil:
                    error(rpath + ".kind", "is missing: a not-a-quality-problem scenario, a feedback window or an evidence requirement")
                case .notQualityProblem(let scenario):
                    if !Self.isKnown(scenario.scenario) { error(rpath + ".not_quality_problem.scenario", "is not a known scenario") }
                case .feedbackWindow(let window):
                    positive(window.windowAfterReceipt, rpath + ".feedback_window.window_after_receipt")
                case .evidenceRequirement(let requirement):
                    knownDistinct(requirement.anyOf, rpath + ".evidence_requirement.any_of")
                }
            }
        }
    }
}

extension Checker {
    /// Optional: without it the guardrails are off, which an admin should know.
    mutating func guardrails(_ rules: GuardrailRules?) {
        let path = "guardrails"
        guard let rules else {
            return warning(path, "is missing: no merchant's complaint privileges are ever reduced and no complaint is flagged")
        }
        positive(rules.accuracyWindow, path + ".accuracy_window")
        inRange(rules.minDecided, 1...10_000, path + ".min_decided")
        inRange(rules.reduceBelowBp, 1...10_000, path + ".reduce_below_bp")
        inRange(rules.restoreAtBp, 1...10_000, path + ".restore_at_bp")
        if rules.restoreAtBp < rules.reduceBelowBp {
            error(path + ".restore_at_bp", "is \(rules.restoreAtBp), below reduce_below_bp (\(rules.reduceBelowBp)): restored privileges would be reduced again at once")
        }
        positive(rules.cleanPeriod, path + ".clean_period")
        positive(rules.retaliationWindow, path + ".retaliation_window")
        inRange(rules.retaliationMaxStars, 1...5, path + ".retaliation_max_stars")
    }
}
