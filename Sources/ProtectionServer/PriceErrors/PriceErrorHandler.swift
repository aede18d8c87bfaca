import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.PriceErrorService`: a merchant reports a mis-set price,
/// the server judges eligibility from the order, price and promotion facts and
/// resolves each order, or sends the report to a reviewer.
public struct PriceErrorHandler: PriceErrorService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    public func reportPriceError(_ request: ReportPriceErrorRequest, context: ServerContext) async throws
        -> ReportPriceErrorResponse
    {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            let merchantID = try mutation.caller.merchant(request.merchantId)
            let ruleSet = core.catalog.inForce(at: mutation.now)
            var check = FieldCheck()
            check.require(!request.itemId.isEmpty, "item_id", "is required")
            for (price, name) in [(request.intendedPrice, "intended_price"), (request.livePrice, "live_price")] {
                check.require(price != nil, name, "is required")
                if let price {
                    check.require(price.amountMinor > 0, "\(name).amount_minor", "must be positive")
                    check.require(price.currency == ruleSet.currency, "\(name).currency", "must be \(ruleSet.currency)")
                }
            }
            check.require(request.liveFrom != nil, "live_from", "is required")
            check.require(request.liveUntil != nil, "live_until", "is required")
            if let from = request.liveFrom, let until = request.liveUntil {
                check.require(from < until, "live_until", "must be after live_from")
                check.require(until <= mutation.now, "live_until", "is after the report")
            }
            check.require((1...10_000).contains(request.affectedOrderIds.count), "affected_order_ids", "must list 1 to 10,000 orders")
            check.require(Set(request.affectedOrderIds).count == request.affectedOrderIds.count, "affected_order_ids", "lists an order twice")
            check.length(request.note, max: 2_000, "note")
            try check.check()

            let rules = ruleSet.priceErrors ?? PriceErrorRules()
            let guardKey = "price-errors/\(merchantID)"
            let readGuard = try await core.currentGuard(guardKey)
            let liveFrom = request.liveFrom!
            async let orders = core.storeCall { try await core.store.facts(.order, ids: request.affectedOrderIds) }
            async let observations = core.storeCall {
                try await core.store.referencePrices(
                    merchantID: merchantID, itemID: request.itemId,
                    observed: TimeWindow(from: OrderRates.windowStart(rules.referencePriceWindow, before: liveFrom).seconds, until: liveFrom.seconds))
            }
            async let promotions = core.storeCall {
                try await core.store.promotions(overlapping: TimeWindow(from: liveFrom.seconds, until: request.liveUntil!.seconds))
            }
            let accepted = try await acceptedReports(merchantID: merchantID, within: rules.recurrencePeriod, before: mutation.now)
            let facts = PriceErrorFacts.derive(
                request, merchantID: merchantID, reportedAt: mutation.now,
                orders: try await orders.values.compactMap { if case .order(let order) = $0.payload { order } else { nil } },
                observations: try await observations, promotions: try await promotions, acceptedReportsInPeriod: accepted,
                ruleSet: ruleSet)
            let judgement = PriceErrors.judge(facts, ruleSet: ruleSet, now: mutation.now)
            var report = PriceErrorReport()
            report.reportId = mutation.newID("PE")
            report.merchantId = merchantID
            report.itemId = request.itemId
            report.skuId = request.skuId
            report.intendedPrice = request.intendedPrice
            report.livePrice = request.livePrice
            report.liveFrom = request.liveFrom
            report.liveUntil = request.liveUntil
            report.affectedOrderIds = request.affectedOrderIds
            report.note = request.note
            report.reportedBy = mutation.caller.actor
            report.reportedAt = mutation.now
            report.firstOrderPaidAt = facts.firstOrderPaidAt
            report.referencePrice = facts.referencePrice
            Self.apply(judgement, to: &report, at: mutation.now)
            report.revision = 1
            let event = mutation.event(
                .priceErrorReport, report.reportId, .created, to: report.state.protoName ?? "",
                reason: judgement.explanation.summary, merchant: merchantID, explanation: judgement.explanation)
            var response = ReportPriceErrorResponse()
            response.report = report
            return Decided(
                guards: [readGuard, Guard("report/\(report.reportId)", revision: 0)],
                log: [LogEntry(event: event, record: .priceErrorReport(report), ruleSetVersion: ruleSet.version)],
                response: response)
        }
    }

    /// The merchant's reports judged eligible (resolved or waiting for a reviewer) in
    /// the recurrence period before `now`.
    private func acceptedReports(merchantID: String, within period: ProtoDuration?, before now: ProtoTimestamp) async throws -> Int32 {
        var query = PriceErrorReportQuery()
        query.merchantID = merchantID
        query.states = [.resolved, .pendingManualReview]
        query.reported = TimeWindow(from: OrderRates.windowStart(period, before: now).seconds, until: now.seconds + 1)
        query.page = PageRequest(limit: 10_000)
        return Int32(try await core.storeCall { try await core.store.priceErrorReports(query) }.count)
    }

    static func apply(_ judgement: PriceErrorJudgement, to report: inout PriceErrorReport, at now: ProtoTimestamp) {
        report.state = judgement.state
        report.eligibility = judgement.eligibility
        report.resolutions = judgement.resolutions.map { resolution in
            var resolution = resolution
            if resolution.action != .manualReview { resolution.appliedAt = now }
            return resolution
        }
        report.totals = judgement.totals
        report.explanation = judgement.explanation
    }

    public func decidePriceErrorReport(_ request: DecidePriceErrorReportRequest, context: ServerContext) async throws
        -> DecidePriceErrorReportResponse
    {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            var check = FieldCheck()
            check.require([.approve, .reject].contains(request.verdict), "verdict", "must be APPROVE or REJECT")
            check.length(request.note, max: 2_000, "note")
            try check.check()
            let before = try await visibleReport(request.reportId, caller: mutation.caller)
            if request.expectedRevision != 0, request.expectedRevision != before.revision {
                throw ServiceError.staleRevision(expected: request.expectedRevision, current: before.revision, of: "Report \(before.reportId)")
            }
            guard before.state == .pendingManualReview else {
                throw ServiceError.wrongState("Report \(before.reportId) is \(before.state.protoName ?? ""), not waiting for a reviewer.")
            }
            var report = before
            let ruleSet = core.catalog.judging(version: before.explanation?.ruleSetVersion ?? 0, at: before.reportedAt)
            if request.verdict == .approve {
                // The reviewer approves: every order resolved as if below the threshold.
                var approving = ruleSet
                approving.priceErrors?.manualReviewLossThreshold = nil
                let judgement = PriceErrors.judge(Self.facts(of: before), ruleSet: approving, now: mutation.now)
                Self.apply(judgement, to: &report, at: mutation.now)
            } else {
                report.state = .rejected
                report.resolutions = report.resolutions.map { resolution in
                    var resolution = resolution
                    resolution.action = .fulfil
                    resolution.compensation = nil
                    resolution.appliedAt = mutation.now
                    return resolution
                }
            }
            report.reviewVerdict = request.verdict
            report.reviewedBy = mutation.caller.actor
            report.reviewNote = request.note
            report.revision = before.revision + 1
            let event = mutation.event(
                .priceErrorReport, report.reportId, .stateChanged, from: before.state.protoName ?? "",
                to: report.state.protoName ?? "", reason: "Reviewer \(mutation.caller.id): \(request.verdict.protoName ?? ""). \(request.note)",
                merchant: report.merchantId, explanation: report.explanation)
            var response = DecidePriceErrorReportResponse()
            response.report = report
            return Decided(
                guards: [Guard("report/\(report.reportId)", revision: before.revision)],
                log: [LogEntry(event: event, record: .priceErrorReport(report), ruleSetVersion: ruleSet.version)],
                response: response)
        }
    }

    /// The facts a stored report was judged on, to judge it again (a reviewer's
    /// approval, a what-if). An ineligible report kept no per-order figures: its
    /// orders read as not matching.
    static func facts(of report: PriceErrorReport) -> PriceErrorFacts {
        let inPromotion = report.eligibility?.checks.first { $0.kind == .notInPromotion }.map { !$0.passed } ?? false
        let orders = report.affectedOrderIds.map { id in
            let resolution = report.resolutions.first { $0.orderId == id }
            return PriceErrorOrder(
                orderID: id, buyerID: resolution?.buyerId ?? "", quantity: resolution?.quantity ?? 0,
                paidAmount: resolution?.paidAmount ?? Money(), fulfilment: resolution?.fulfilmentStatus ?? .unspecified,
                matchesReport: resolution != nil)
        }
        return PriceErrorFacts(
            intendedPrice: report.intendedPrice ?? Money(), livePrice: report.livePrice ?? Money(),
            reportedAt: report.reportedAt ?? ProtoTimestamp(), firstOrderPaidAt: report.firstOrderPaidAt,
            referencePrice: report.referencePrice, inRegisteredPromotion: inPromotion,
            acceptedReportsInPeriod: report.eligibility?.acceptedReportsInPeriod ?? 0, orders: orders)
    }

    private func visibleReport(_ id: String, caller: Caller) async throws -> PriceErrorReport {
        guard !id.isEmpty else { throw ServiceError.invalid("report_id", "is required") }
        return try caller.visible(
            try await core.storeCall({ try await core.store.priceErrorReport(id: id) }), merchantID: \.merchantId,
            notFound: "No price-error report '\(id)' is visible to this caller.")
    }

    public func getPriceErrorReport(_ request: GetPriceErrorReportRequest, context: ServerContext) async throws
        -> GetPriceErrorReportResponse
    {
        var response = GetPriceErrorReportResponse()
        response.report = try await visibleReport(request.reportId, caller: try Caller(context))
        return response
    }

    public func listPriceErrorReports(_ request: ListPriceErrorReportsRequest, context: ServerContext) async throws
        -> ListPriceErrorReportsResponse
    {
        let caller = try Caller(context)
        let paging = try ListPage(request, page: \.page)
        var query = PriceErrorReportQuery()
        query.merchantID = caller.role == .merchant ? try caller.merchant(request.merchantId) : request.merchantId
        query.states = request.states
        query.reported = window(request.reportedBetween)
        query.page = paging.storeRequest
        let found = try await core.storeCall { try await core.store.priceErrorReports(query) }
        var response = ListPriceErrorReportsResponse()
        (response.reports, response.page) = paging.cut(found) {
            PageCursor(time: $0.reportedAt?.seconds ?? 0, id: $0.reportId)
        }
        return response
    }
}
