import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.MerchantService`: rights, the white-box experience score
/// and the refund analysis, every figure derived from stored facts and cases.
public struct MerchantHandler: MerchantService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    public func getMerchantRights(_ request: GetMerchantRightsRequest, context: ServerContext) async throws
        -> GetMerchantRightsResponse
    {
        let merchantID = try Caller(context).merchant(request.merchantId)
        let now = core.clock.now()
        let ruleSet = core.catalog.inForce(at: now)
        let merchant = try await core.requireMerchant(merchantID)
        let score = try await core.experienceScore(merchantID: merchantID, at: now, ruleSet: ruleSet).scoreMilli
        let complaints = try await core.decidedComplaints(merchantID: merchantID)
        return MerchantRights.rights(
            merchantID: merchantID, platform: merchant.fact.platform, industry: merchant.fact.industry, scoreMilli: score,
            complaints: complaints, ruleSet: ruleSet, now: now)
    }

    public func explainExperienceScore(_ request: ExplainExperienceScoreRequest, context: ServerContext) async throws
        -> ExplainExperienceScoreResponse
    {
        let merchantID = try Caller(context).merchant(request.merchantId)
        let now = core.clock.now()
        let asOf = request.asOf ?? now
        guard asOf <= now else { throw ServiceError.invalid("as_of", "is in the future") }
        let ruleSet = core.catalog.inForce(at: asOf)
        var response = try await core.experienceScore(merchantID: merchantID, at: asOf, ruleSet: ruleSet)
        let cases = core.cases(try await core.confirmedComplaints(merchantID: merchantID))
        response.excludedCases = response.excludedCases.map { excluded in
            guard let item = cases.first(where: { $0.complaintID == excluded.complaintId }) else { return excluded }
            return CaseConsequences.rateExclusion(of: item, ruleSet: core.catalog.judging(version: item.ruleSetVersion, at: item.confirmedAt), now: asOf)
                ?? excluded
        }
        response.excludedCases += try await priceErrorCancellations(merchantID: merchantID, until: asOf)
        return response
    }

    public func getRefundAnalysis(_ request: GetRefundAnalysisRequest, context: ServerContext) async throws
        -> GetRefundAnalysisResponse
    {
        let merchantID = try Caller(context).merchant(request.merchantId)
        let now = core.clock.now()
        let end = request.period?.end ?? now
        let start = request.period?.start ?? ProtoTimestamp(seconds: end.seconds - 90 * 86_400, nanos: 0)
        guard start < end else { throw ServiceError.invalid("period", "must start before it ends") }
        var period = TimeRange()
        period.start = start
        period.end = end
        let refunds = try await core.storeCall {
            try await core.store.refunds(onOrdersOf: .merchant(merchantID), refunded: TimeWindow(from: start.seconds, until: end.seconds))
        }
        let requests = try await core.storeCall {
            try await core.store.facts(.afterSales, ids: refunds.map(\.afterSalesRequestId).filter { !$0.isEmpty })
        }
        let analysed = refunds.map { refund in
            AnalysedRefund(refund: refund, afterSales: requests[refund.afterSalesRequestId].flatMap { fact in
                if case .afterSalesRequest(let request) = fact.payload { request } else { nil }
            })
        }
        let cases = core.cases(try await core.confirmedComplaints(merchantID: merchantID))
            .filter { start <= $0.confirmedAt && $0.confirmedAt < end }
        let ruleSet = core.catalog.inForce(at: end)
        return RefundAnalysis.analyse(merchantID: merchantID, period: period, refunds: analysed, cases: cases, ruleSet: ruleSet, now: now)
    }

    /// Orders cancelled under price-error protection: out of the cancellation metrics.
    private func priceErrorCancellations(merchantID: String, until time: ProtoTimestamp) async throws -> [ExcludedCase] {
        var query = PriceErrorReportQuery()
        query.merchantID = merchantID
        query.states = [.resolved]
        query.reported = TimeWindow(until: time.seconds + 1)
        query.page = PageRequest(limit: 10_000)
        let reports = try await core.storeCall { try await core.store.priceErrorReports(query) }
        return reports.flatMap { report in
            report.resolutions.filter(\.excludedFromCancellationMetrics).map { resolution in
                var excluded = ExcludedCase()
                excluded.orderId = resolution.orderId
                excluded.priceErrorReportId = report.reportId
                excluded.reason = .priceErrorCancellation
                excluded.excludedAt = resolution.appliedAt
                excluded.explanation = resolution.explanation
                return excluded
            }
        }
    }
}
