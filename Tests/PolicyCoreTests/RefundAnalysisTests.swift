import PolicyCore
import ProtectionMessages
import ProtoWire
import Testing

@Suite struct RefundAnalysisTests {
    static let rules = RuleSetValidationTests.defaults

    @Test func refundsByReasonWithTheirAbnormalShare() {
        let refunds = (0..<8).map { index in
            AnalysedRefund(
                orderID: "O-\(index)", reason: index < 6 ? .qualityProblem : .sizeOrFit,
                amount: ReturnRiskTests.cny(1_000), refundOnly: index % 2 == 0)
        }
        // Confirmed cases on O-0 (this store, tier A) and O-1 (this store, overturned) and O-6 (another store).
        var overturned = SanctionTests.confirm("C-2", "M-1", tier: .a)
        overturned.orderID = "O-1"
        overturned.reversed = true
        var here = SanctionTests.confirm("C-1", "M-1", tier: .a)
        here.orderID = "O-0"
        var elsewhere = SanctionTests.confirm("C-3", "M-9", tier: .a)
        elsewhere.orderID = "O-6"
        let report = RefundAnalysis.analyse(
            merchantID: "M-1", period: TimeRange(), refunds: refunds, cases: [here, overturned, elsewhere], ruleSet: Self.rules,
            now: ProtoTimestamp(seconds: SanctionTests.t0, nanos: 0))
        #expect(report.refundCount == 8 && report.refundedAmount?.amountMinor == 8_000)
        #expect(report.refundOnlyCount == 4 && report.returnAndRefundCount == 4)
        #expect(report.abnormalCount == 1 && report.abnormalShareBp == 1_250)
        #expect(report.reasons.map(\.reason) == [.qualityProblem, .sizeOrFit])
        #expect(report.reasons.map(\.shareBp) == [7_500, 2_500])
        #expect(report.reasons.map(\.abnormalShareBp) == [1_666, 0])
        #expect(report.excludedCases.map(\.orderId) == ["O-0"])
    }
}
