// Policy: the cost of the policy core's decisions, one at a time.
//
//   swift run -c release Policy
import BenchSupport
import DefaultRules
import Foundation
import PolicyCore
import ProtectionMessages
import ProtoWire

let rules = try DefaultRuleSet.load()
let now = ProtoTimestamp(seconds: 1_767_225_600 + 400 * 86_400, nanos: 0)
let day: Int64 = 86_400

// A FAKE_RETURN complaint with its evidence, by a tier-A merchant.
var complaint = FileComplaintRequest()
complaint.orderId = "O-1"
complaint.details = .fakeReturn(FakeReturnDetails())
var weights = EvidenceItem()
weights.payload = .weightRecord(WeightRecordEvidence())
var logistics = EvidenceItem()
logistics.payload = .logisticsRecord(LogisticsRecordEvidence())
complaint.evidence = [weights, logistics]

// A buyer with 50 ledger entries from 5 merchants over a year and a half.
let types: [ComplaintType] = [.fakeReturn, .returnSwap, .fakeVoucher, .fakeImageEvidence, .abnormalRefundOnly]
var cases: [ConfirmedCase] = []
for index in 0..<50 {
    let confirmedAt = ProtoTimestamp(seconds: 1_767_225_600 + Int64(index) * 11 * day, nanos: 0)
    let tier: Tier = index % 3 == 0 ? .a : .b
    cases.append(
        Ledger.confirm(
            complaintID: "C-\(index)", buyerID: "B-1", merchantID: "M-\(index % 5)", type: types[index % 5],
            at: confirmedAt, merchantTier: tier, storeLimitRequested: index % 2 == 0, ruleSet: rules))
}
let ledgerNow = ProtoTimestamp(seconds: 1_767_225_600 + 560 * day, nanos: 0)

// An apparel quality dispute washed against its care label.
var dispute = AdjudicateDisputeRequest()
dispute.industry = .apparel
dispute.reason = .qualityProblem
var apparel = ApparelFacts()
apparel.careLabelMethod = .handWash
apparel.careLabelClear = true
apparel.buyerWashingMethod = .machineWash
dispute.facts = .apparel(apparel)
dispute.receivedAt = ProtoTimestamp(seconds: now.seconds - 3 * day, nanos: 0)
dispute.reportedAt = now

// Checks before timing: the decisions are the expected ones.
precondition(ComplaintFiling.decide(complaint, merchantScoreMilli: 4_850, ruleSet: rules, now: now).isAccepted)
let sanctions = Sanctions.sanctions(for: cases, ruleSet: rules, now: ledgerNow)
precondition(sanctions.contains { $0.kind == SanctionKind.platformPurchaseLimit })
precondition(DisputeAdjudication.adjudicate(dispute, ruleSet: rules, now: now).outcome == .supportMerchant)
print("subjects: a FAKE_RETURN filing with 2 evidence items; 50 ledger entries from 5 merchants → \(sanctions.count) sanctions; an apparel quality dispute")

let (results, _) = measureInterleaved([
    ("complaint decision (ComplaintFiling.decide)", {
        blackHole(ComplaintFiling.decide(complaint, merchantScoreMilli: 4_850, ruleSet: rules, now: now))
    }),
    ("sanction recomputation, 50 ledger entries (Sanctions.spans)", {
        blackHole(Sanctions.spans(for: cases, ruleSet: rules, now: ledgerNow))
    }),
    ("the same, rendered as messages with explanations (Sanctions.sanctions)", {
        blackHole(Sanctions.sanctions(for: cases, ruleSet: rules, now: ledgerNow))
    }),
    ("dispute adjudication (DisputeAdjudication.adjudicate)", {
        blackHole(DisputeAdjudication.adjudicate(dispute, ruleSet: rules, now: now))
    }),
])
print("\n| decision | median µs | spread |")
print("| --- | ---: | ---: |")
for result in results {
    print("| \(result.name) | \(String(format: "%.2f", result.median / 1_000)) | \(String(format: "%.0f%%", result.spread * 100)) |")
}
