import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.RuleSetService`: read, validate, publish (a new version
/// with its effective time) and simulate rule sets over the stored history.
public struct RuleSetHandler: RuleSetService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    public func getRuleSet(_ request: GetRuleSetRequest, context: ServerContext) async throws -> GetRuleSetResponse {
        _ = try Caller(context)
        guard request.version >= 0 else { throw ServiceError.invalid("version", "must not be negative") }
        let rules = request.version == 0 ? core.catalog.inForce(at: request.at ?? core.clock.now()) : core.catalog.ruleSet(version: request.version)
        guard let rules, let summary = core.catalog.summary(version: rules.version) else {
            throw ServiceError.notFound("No rule set version \(request.version) is published.")
        }
        var response = GetRuleSetResponse()
        response.ruleSet = rules
        response.summary = summary
        return response
    }

    public func listRuleSets(_ request: ListRuleSetsRequest, context: ServerContext) async throws -> ListRuleSetsResponse {
        _ = try Caller(context)
        let paging = try ListPage(request, page: \.page)
        var summaries = core.catalog.published.map(\.summary).reversed()
            .filter { request.includeSuperseded || $0.status != .superseded }
        if let after = paging.cursor { summaries.removeAll { $0.version >= after.time } }
        var response = ListRuleSetsResponse()
        (response.ruleSets, response.page) = paging.cut(summaries) {
            PageCursor(time: $0.version, id: "")
        }
        return response
    }

    public func validateRuleSet(_ request: ValidateRuleSetRequest, context: ServerContext) async throws -> ValidateRuleSetResponse {
        _ = try Caller(context)
        var response = ValidateRuleSetResponse()
        response.problems = RuleSetValidation.problems(in: request.ruleSet ?? RuleSet())
        response.valid = !response.problems.contains { $0.severity == .error }
        return response
    }

    /// INVALID_ARGUMENT (RULE_SET_INVALID) listing every error, with each field's path.
    static func refuseInvalid(_ rules: RuleSet, field: String) throws -> [RuleSetProblem] {
        let problems = RuleSetValidation.problems(in: rules)
        let errors = problems.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw ServiceError.refusal(.ruleSetInvalid, "The rule set has \(errors.count) errors: "
                + errors.prefix(5).map { "\($0.fieldPath) \($0.message)" }.joined(separator: "; ") + (errors.count > 5 ? "; …" : ".")) { detail in
                detail.fieldViolations = errors.map { problem in
                    var violation = FieldViolation()
                    violation.fieldPath = "\(field).\(problem.fieldPath)"
                    violation.problem = problem.message
                    return violation
                }
            }
        }
        return problems.filter { $0.severity == .warning }
    }

    public func publishRuleSet(_ request: PublishRuleSetRequest, context: ServerContext) async throws -> PublishRuleSetResponse {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            guard let rules = request.ruleSet else { throw ServiceError.invalid("rule_set", "is required") }
            let warnings = try Self.refuseInvalid(rules, field: "rule_set")
            guard let effective = rules.effectiveAt else { throw ServiceError.invalid("rule_set.effective_at", "is required") }
            guard effective >= mutation.now else { throw ServiceError.invalid("rule_set.effective_at", "is in the past") }
            let latest = core.catalog.latestVersion
            guard rules.version == latest + 1 else {
                throw ServiceError.staleRevision(expected: rules.version - 1, current: latest, of: "The latest published rule set")
            }
            let readGuard = try await core.currentGuard("rule-sets")
            var summary = RuleSetSummary()
            summary.version = rules.version
            summary.effectiveAt = effective
            summary.summary = rules.summary
            summary.status = effective > mutation.now ? .scheduled : .inForce
            summary.publishedAt = mutation.now
            summary.publishedBy = mutation.caller.actor
            summary.contentSha256 = RuleSetCatalog.contentHash(rules)
            var log = [LogEntry(
                event: mutation.event(
                    .ruleSet, "v\(rules.version)", .published, to: summary.status.protoName ?? "",
                    reason: "Version \(rules.version) takes effect at \(timeText(effective)): \(rules.summary)"),
                record: .ruleSet(rules, summary), ruleSetVersion: rules.version)]
            if summary.status == .inForce { log += core.supersede(before: rules.version, mutation: mutation) }
            var response = PublishRuleSetResponse()
            response.summary = summary
            response.warnings = warnings
            return Decided(guards: [readGuard], log: log, response: response)
        }
    }

    public func simulateRuleSet(_ request: SimulateRuleSetRequest, context: ServerContext) async throws -> SimulateRuleSetResponse {
        _ = try Caller(context)
        guard let candidate = request.candidate else { throw ServiceError.invalid("candidate", "is required") }
        _ = try Self.refuseInvalid(candidate, field: "candidate")
        var check = FieldCheck()
        check.require((0...10_000).contains(request.maxChanges), "max_changes", "must be 0 to 10,000")
        try check.check()
        let now = core.clock.now()
        let range = window(request.casesBetween, defaultStart: now.seconds - 365 * 86_400, defaultEnd: now.seconds + 1)
        let history = try await core.history(in: range, merchants: Set(request.merchantIds), now: now)
        var response = WhatIf.simulate(
            candidate: candidate, baseline: core.catalog.inForce(at: now), history: history,
            maxChanges: request.maxChanges == 0 ? 1_000 : Int(request.maxChanges), now: now)
        response.casesReplayed = Int64(history.cases.count)
        return response
    }
}

extension ServerCore {
    /// The log entries that mark every rule set in force before `version` superseded.
    func supersede(before version: Int64, mutation: Mutation) -> [LogEntry] {
        catalog.published.filter { $0.rules.version < version && $0.summary.status != .superseded }.map { old in
            var summary = old.summary
            summary.status = .superseded
            return LogEntry(
                event: mutation.event(
                    .ruleSet, "v\(summary.version)", .stateChanged, from: old.summary.status.protoName ?? "",
                    to: "RULE_SET_STATUS_SUPERSEDED", reason: "Version \(version) took effect."),
                record: .ruleSet(old.rules, summary), ruleSetVersion: summary.version)
        }
    }

    /// The stored history a what-if replays: the confirmed cases, claims and price-error
    /// reports whose events fall in `range`, and the merchants concerned.
    func history(in range: TimeWindow, merchants: Set<String>, now: ProtoTimestamp) async throws -> WhatIfHistory {
        var query = ComplaintQuery()
        query.states = [.confirmed, .rejected, .appealed, .upheld, .overturned]
        query.filed = range
        query.page = PageRequest(limit: 100_000)
        let decided = try await storeCall { try await store.complaints(query) }
            .filter { merchants.isEmpty || merchants.contains($0.merchantId) }
        let complaints = decided.filter { $0.state != .rejected }
        var history = WhatIfHistory()
        history.cases = complaints.compactMap { complaint in
            cases([complaint]).first.map { WhatIfHistory.Case($0, merchantScoreMilli: complaint.merchantScoreMilliAtFiling) }
        }
        var claims = ClaimQuery()
        claims.shipped = range
        claims.page = PageRequest(limit: 100_000)
        history.claims = try await storeCall { try await store.claims(claims) }
            .filter { merchants.isEmpty || merchants.contains($0.merchantId) }
        var reports = PriceErrorReportQuery()
        reports.reported = range
        reports.page = PageRequest(limit: 100_000)
        history.priceErrors = try await storeCall { try await store.priceErrorReports(reports) }
            .filter { merchants.isEmpty || merchants.contains($0.merchantId) }
            .map { (reportID: $0.reportId, facts: PriceErrorHandler.facts(of: $0)) }
        let involved = Set(decided.map(\.merchantId)).union(merchants).sorted()
        for merchantID in involved {
            history.merchantComplaints[merchantID] = try await decidedComplaints(merchantID: merchantID)
            guard let merchant = try await merchant(merchantID) else { continue }
            let ruleSet = catalog.inForce(at: now)
            let (orders, afterSales) = try await orders(of: .merchant(merchantID), within: ruleSet.experienceScore?.rateWindow, before: now)
            history.merchants.append(ExperienceScoreFacts.derive(
                merchant: merchant.fact, source: merchant.source, orders: orders, afterSales: afterSales,
                cases: cases(try await confirmedComplaints(merchantID: merchantID)), ruleSet: ruleSet, now: now))
        }
        return history
    }
}
