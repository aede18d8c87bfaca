#!/usr/bin/env python3
"""Writes docs/examples/: one valid example request for every rpc of the schema,
<Service>.<Rpc>.json (a JSON object, or an array of them for a request stream),
and manifest.json, the order to send them in and as whom. They tell one story:
a store's facts, a complaint filed, confirmed, appealed; return insurance turned
on and claimed; a mis-set price reviewed. The server's clock stands at
2026-12-01T12:00:00Z; ids the server assigns are derived from the caller and the
idempotency key, and are computed here the same way.

  python3 scripts/make-examples.py          # write
  python3 scripts/make-examples.py --check  # fail when the files differ
"""
import copy
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "examples")
NOW = "2026-12-01T12:00:00Z"
ROLES = {"merchant": 1, "buyer": 2, "reviewer": 3, "internal_service": 4, "admin": 5}


def new_id(prefix, role, principal, method, key):
    """The id a mutation creates: the server's Mutation.newID."""
    seed = f"{ROLES[role]}/{principal}/protection.v1.{method}\n{key}"
    return f"{prefix}-{hashlib.sha256(seed.encode()).hexdigest()[:16]}"


def cny(minor):
    return {"amountMinor": str(minor), "currency": "CNY"}


def fact(service, payload_name, payload, revision=1):
    return {"sourceService": service, "sourceRevision": str(revision), "observedAt": NOW, payload_name: payload}


def order(order_id, buyer, paid_at, amount, item, status="ORDER_STATUS_RECEIVED", quantity=1):
    o = {
        "orderId": order_id, "buyerId": buyer, "merchantId": "M-1", "paidAmount": cny(amount), "status": status,
        "paidAt": paid_at,
        "items": [{"itemId": item, "title": f"Item {item}", "quantity": str(quantity),
                   "unitPrice": cny(amount // quantity), "paidAmount": cny(amount)}],
    }
    if status == "ORDER_STATUS_RECEIVED":
        o["shippedAt"] = paid_at
        o["receivedAt"] = paid_at
    return fact("order-service", "order", o)


with open(os.path.join(ROOT, "Sources", "DefaultRules", "Resources", "default-rule-set.json")) as f:
    DEFAULT = json.load(f)

complaint = new_id("C", "merchant", "M-1", "IntegrityService/FileComplaint", "file-O-1")
report = new_id("PE", "merchant", "M-1", "PriceErrorService/ReportPriceError", "price-error-I-9")
payout = new_id("c", "admin", "admin-1", "AccessService/IssueToken", "issue-payout-service")
payout_rotated = new_id("c", "admin", "admin-1", "AccessService/RotateToken", "rotate-payout-service")

version2 = copy.deepcopy(DEFAULT)
version2["version"] = "2"
version2["effectiveAt"] = "2027-01-01T00:00:00Z"
version2["summary"] = "General rollout: every merchant may file; rights follow the tier."
version2["rollout"]["stage"] = "ROLLOUT_STAGE_GENERAL"

candidate = copy.deepcopy(DEFAULT)
candidate["summary"] = "What if a platform limit started at 6 points?"
candidate["sanctions"]["platformPurchaseLimit"]["minActivePoints"] = 6

evidence_refund_only = [
    {"caption": "Delivered and signed for by the buyer",
     "logisticsRecord": {"carrier": "SF", "trackingNumber": "SF100200300", "direction": "LOGISTICS_DIRECTION_OUTBOUND",
                         "events": [{"occurredAt": "2026-11-26T15:00:00Z", "location": "Hangzhou",
                                     "statusText": "signed for by the buyer"}]}},
    {"caption": "The buyer says the coat fits and is being worn",
     "chatLog": {"conversationId": "chat-O-1",
                 "messages": [{"sentAt": "2026-11-27T08:00:00Z", "senderRole": "ROLE_BUYER",
                               "text": "The coat fits well, I wore it today. Refund me anyway."}]}},
]

EXAMPLES = [
    ("HealthService/CheckHealth", "internal_service", "order-service", {}),
    ("HealthService/WatchHealth", "internal_service", "order-service", {"probe": "HEALTH_PROBE_READINESS"}),
    ("ReflectionService/DescribeSchema", "internal_service", "order-service", {"includeSources": False}),
    ("RuleSetService/GetRuleSet", "admin", "admin-1", {"version": "1"}),
    ("RuleSetService/ListRuleSets", "admin", "admin-1", {"includeSuperseded": True}),
    ("RuleSetService/ValidateRuleSet", "admin", "admin-1", {"ruleSet": version2}),
    ("RuleSetService/PublishRuleSet", "admin", "admin-1", {"idempotencyKey": "publish-v2", "ruleSet": version2}),
    ("FactsService/ReportFacts", "internal_service", "order-service", {
        "idempotencyKey": "facts-2026-12-01-batch-1",
        "facts": [
            fact("merchant-service", "merchant", {
                "merchantId": "M-1", "displayName": "Cloud Linen Store", "platform": "PLATFORM_TAOBAO",
                "industry": "INDUSTRY_APPAREL", "productQualityScoreMilli": 5000, "logisticsScoreMilli": 5000,
                "serviceResponseScoreMilli": 5000, "indicatorsMeasuredAt": "2026-12-01T00:00:00Z",
                "openedAt": "2020-03-01T00:00:00Z"}),
            order("O-1", "B-1", "2026-11-25T10:00:00Z", 10000, "I-1"),
            order("O-2", "B-2", "2026-12-01T09:00:00Z", 1000, "I-9", status="ORDER_STATUS_PAID"),
            order("O-6", "B-3", NOW, 5000, "I-1", status="ORDER_STATUS_PAID"),
            order("O-7", "B-1", "2026-11-26T10:00:00Z", 8000, "I-1"),
            fact("after-sales-service", "afterSalesRequest", {
                "requestId": "AS-1", "orderId": "O-1", "kind": "AFTER_SALES_KIND_REFUND_ONLY",
                "reason": "CLAIM_REASON_NOT_AS_DESCRIBED", "requestedAmount": cny(10000),
                "status": "AFTER_SALES_STATUS_CLOSED", "requestedAt": "2026-11-27T09:00:00Z",
                "closedAt": "2026-11-28T09:00:00Z"}),
            fact("payment-service", "refund", {
                "refundId": "RF-1", "orderId": "O-1", "afterSalesRequestId": "AS-1", "amount": cny(10000),
                "refundedAt": "2026-11-28T09:00:00Z", "goodsReturned": False}),
            fact("promotion-service", "promotion", {
                "promotionId": "P-1", "name": "Double 12 2026", "kind": "PROMOTION_KIND_PLATFORM",
                "startsAt": "2026-12-10T00:00:00Z", "endsAt": "2026-12-13T00:00:00Z",
                "items": [{"merchantId": "M-1", "itemId": "I-5", "promotionalPrice": cny(8800)}]}),
            fact("pricing-service", "referencePrice", {
                "merchantId": "M-1", "itemId": "I-9", "price": cny(2000000), "observedAt": "2026-11-20T00:00:00Z"}),
        ]}),
    ("MerchantService/GetMerchantRights", "merchant", "M-1", {}),
    ("MerchantService/ExplainExperienceScore", "merchant", "M-1", {}),
    ("MerchantService/GetRefundAnalysis", "merchant", "M-1", {}),
    ("IntegrityService/DescribeComplaintTypes", "merchant", "M-1", {}),
    ("IntegrityService/FileComplaint", "merchant", "M-1", {
        "idempotencyKey": "file-O-1", "orderId": "O-1",
        "abnormalRefundOnly": {"afterSalesRequestId": "AS-1", "refundId": "RF-1",
                               "pattern": "ABNORMAL_REFUND_PATTERN_GOODS_KEPT_AND_USED"},
        "evidence": evidence_refund_only,
        "statement": "A refund without return for a coat the buyer keeps and wears.",
        "requestStorePurchaseLimit": True}),
    ("IntegrityService/AddComplaintEvidence", "merchant", "M-1", {
        "idempotencyKey": "evidence-O-1", "complaintId": complaint,
        "evidence": [{"caption": "The buyer wearing the coat in a public post",
                      "video": {"video": {"uri": "oss://evidence/O-1/unboxing.mp4",
                                          "sha256Hex": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                          "mediaType": "video/mp4", "sizeBytes": "10485760"},
                                "videoKind": "VIDEO_KIND_OTHER", "length": "95s", "continuousTake": True}}],
        "note": "A video the buyer posted, wearing the coat."}),
    ("IntegrityService/StartComplaintReview", "reviewer", "reviewer-1", {"idempotencyKey": "take-O-1", "complaintId": complaint}),
    ("IntegrityService/DecideComplaint", "reviewer", "reviewer-1", {
        "idempotencyKey": "decide-O-1", "complaintId": complaint, "verdict": "REVIEW_VERDICT_CONFIRM",
        "reasonCode": "DECISION_REASON_CODE_EVIDENCE_CONCLUSIVE", "note": "Delivery and the buyer's own words agree."}),
    ("IntegrityService/GetComplaint", "reviewer", "reviewer-1", {"complaintId": complaint}),
    ("IntegrityService/ListComplaints", "reviewer", "reviewer-1", {"merchantId": "M-1", "page": {"pageSize": 20}}),
    ("IntegrityService/GetIntegrityRecord", "buyer", "B-1", {"buyerId": "B-1", "includeHistory": True}),
    ("IntegrityService/ListSanctions", "internal_service", "order-service", {"buyerId": "B-1", "activeOnly": True}),
    ("IntegrityService/CheckOrderAllowed", "internal_service", "order-service", {"buyerId": "B-1", "merchantId": "M-1"}),
    ("IntegrityService/CheckCartAllowed", "internal_service", "order-service", {"buyerId": "B-1", "merchantIds": ["M-1", "M-2"]}),
    ("IntegrityService/CheckAfterSalesAllowed", "internal_service", "after-sales-service",
     {"buyerId": "B-1", "merchantId": "M-1", "orderId": "O-1"}),
    ("IntegrityService/AssessReturnRisk", "internal_service", "after-sales-service", {
        "buyerId": "B-1", "merchantId": "M-1", "orderId": "O-7", "amount": cny(8000), "reason": "CLAIM_REASON_NO_REASON_RETURN"}),
    ("IntegrityService/WatchSanctions", "internal_service", "order-service", {"afterSequence": "0"}),
    ("IntegrityService/FileAppeal", "buyer", "B-1", {
        "idempotencyKey": "appeal-O-1", "complaintId": complaint,
        "statement": "The coat I wore is another one; this one did not match its photos."}),
    ("IntegrityService/DecideAppeal", "reviewer", "rev-2", {
        "idempotencyKey": "appeal-decision-O-1", "complaintId": complaint, "verdict": "APPEAL_VERDICT_UPHOLD",
        "reasonCode": "DECISION_REASON_CODE_ORIGINAL_DECISION_CORRECT", "note": "The chat names this coat."}),
    ("IntegrityService/ImportComplaints", "internal_service", "complaint-importer", [{
        "idempotencyKey": "ysb-77001", "externalRef": "YSB-77001", "orderId": "O-7",
        "abnormalRefundOnly": {"afterSalesRequestId": "AS-7", "pattern": "ABNORMAL_REFUND_PATTERN_CLAIM_CONTRADICTS_DELIVERY"},
        "evidence": [
            {"caption": "Signed for at the door", "logisticsRecord": {"carrier": "ZTO", "trackingNumber": "ZT77001",
                                                                       "direction": "LOGISTICS_DIRECTION_OUTBOUND"}},
            {"caption": "The buyer confirms receipt", "chatLog": {"conversationId": "chat-77001"}}],
        "statement": "Refund asked for as 'not received' though signed for.",
        "filedAt": "2026-11-30T00:00:00Z"}]),
    ("ReturnInsuranceService/EnrollReturnInsurance", "merchant", "M-1", {
        "idempotencyKey": "enroll-M-1", "mode": "INSURANCE_MODE_BUYER_OPT_IN"}),
    ("ReturnInsuranceService/GetReturnInsuranceEnrollment", "merchant", "M-1", {}),
    ("ReturnInsuranceService/SetPromotionInsuranceParticipation", "merchant", "M-1", {
        "idempotencyKey": "participation-P-1", "promotionId": "P-1", "covered": False}),
    ("ReturnInsuranceService/ListPromotionInsuranceParticipations", "merchant", "M-1", {}),
    ("ReturnInsuranceService/QuoteReturnInsurance", "buyer", "B-3", {"orderId": "O-6"}),
    ("ReturnInsuranceService/OptInReturnInsurance", "buyer", "B-3", {"idempotencyKey": "opt-in-O-6", "orderId": "O-6"}),
    ("FactsService/StreamFacts", "internal_service", "logistics-service", [
        {"idempotencyKey": "return-RS-6", "fact": fact("logistics-service", "returnShipment", {
            "shipmentId": "RS-6", "orderId": "O-6", "afterSalesRequestId": "AS-6", "carrier": "SF",
            "trackingNumber": "SF600700800", "shippingCost": cny(1200), "collectedWeightGrams": "900",
            "shippedAt": NOW})},
        {"idempotencyKey": "refund-RF-6", "fact": fact("payment-service", "refund", {
            "refundId": "RF-6", "orderId": "O-6", "afterSalesRequestId": "AS-6", "amount": cny(5000),
            "refundedAt": NOW, "goodsReturned": True})},
    ]),
    ("ReturnInsuranceService/GetReturnInsuranceClaim", "buyer", "B-3", {"claimId": "R-RS-6"}),
    ("ReturnInsuranceService/ListReturnInsuranceClaims", "merchant", "M-1", {}),
    ("ReturnInsuranceService/GetReturnInsuranceCostReport", "merchant", "M-1", {}),
    ("PriceErrorService/ReportPriceError", "merchant", "M-1", {
        "idempotencyKey": "price-error-I-9", "itemId": "I-9", "intendedPrice": cny(2000000), "livePrice": cny(1000),
        "liveFrom": "2026-12-01T08:00:00Z", "liveUntil": "2026-12-01T10:00:00Z", "affectedOrderIds": ["O-2"],
        "note": "A ¥20,000 bracelet was listed at ¥10: two zeros lost."}),
    ("PriceErrorService/DecidePriceErrorReport", "reviewer", "reviewer-1", {
        "idempotencyKey": "price-error-decision-I-9", "reportId": report, "verdict": "PRICE_ERROR_REVIEW_VERDICT_APPROVE",
        "note": "A clear slip; the buyer is compensated."}),
    ("PriceErrorService/GetPriceErrorReport", "merchant", "M-1", {"reportId": report}),
    ("PriceErrorService/ListPriceErrorReports", "merchant", "M-1", {}),
    ("DisputeService/AdjudicateDispute", "internal_service", "after-sales-service", {
        "industry": "INDUSTRY_APPAREL", "reason": "CLAIM_REASON_QUALITY_PROBLEM",
        "apparel": {"careLabelMethod": "WASHING_METHOD_HAND_WASH", "careLabelClear": True,
                    "buyerWashingMethod": "WASHING_METHOD_MACHINE_WASH", "shrinkageClaimed": True, "material": "wool"},
        "receivedAt": "2026-11-28T10:00:00Z", "reportedAt": "2026-11-29T10:00:00Z", "orderId": "O-1"}),
    ("DisputeService/ListDisputeRulePacks", "internal_service", "after-sales-service", {"includeDrafts": True}),
    ("DisputeService/GetDisputeRulePack", "internal_service", "after-sales-service", {"industry": "INDUSTRY_JEWELRY"}),
    ("AuditService/ListAuditEvents", "admin", "admin-1", {"subjectId": complaint}),
    ("AuditService/GetAuditEvent", "admin", "admin-1", {"sequence": "1"}),
    ("ClockService/ListDueTransitions", "admin", "admin-1", {"asOf": "2027-01-01T00:00:00Z"}),
    ("ClockService/RunDueTransitions", "admin", "admin-1", {"idempotencyKey": "run-2026-12-01T12"}),
    ("RuleSetService/SimulateRuleSet", "admin", "admin-1", {"candidate": candidate}),
    ("ReturnInsuranceService/WithdrawReturnInsurance", "merchant", "M-1", {"idempotencyKey": "withdraw-M-1"}),
    ("AccessService/IssueToken", "admin", "admin-1", {
        "idempotencyKey": "issue-payout-service", "role": "ROLE_INTERNAL_SERVICE", "principalId": "payout-service",
        "label": "payout service"}),
    ("AccessService/ListTokens", "admin", "admin-1", {"role": "ROLE_INTERNAL_SERVICE"}),
    ("AccessService/RotateToken", "admin", "admin-1", {"idempotencyKey": "rotate-payout-service", "credentialId": payout}),
    ("AccessService/RevokeToken", "admin", "admin-1", {
        "idempotencyKey": "revoke-payout-service", "credentialId": payout_rotated, "reason": "the payout service moved"}),
]


def render(value):
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def files():
    out = {}
    manifest = []
    for method, role, principal, request in EXAMPLES:
        name = method.replace("/", ".") + ".json"
        out[name] = render(request)
        entry = {"method": method, "file": name}
        if role:
            entry["role"] = role
            entry["principalId"] = principal
        manifest.append(entry)
    out["manifest.json"] = render({
        "clock": NOW,
        "note": "Send in this order to a fresh server whose clock stands at 'clock', each with the bearer token "
                "('authorization: Bearer <token>') of a credential of its role and principal: the development "
                "credentials in .protection/credentials.json, or one AccessService/IssueToken made.",
        "examples": manifest})
    return out


def main():
    check = "--check" in sys.argv
    wanted = files()
    stale = []
    os.makedirs(OUT, exist_ok=True)
    present = {f for f in os.listdir(OUT) if f.endswith(".json")}
    for name, text in wanted.items():
        path = os.path.join(OUT, name)
        current = open(path).read() if os.path.exists(path) else None
        if current != text:
            stale.append(name)
            if not check:
                with open(path, "w") as f:
                    f.write(text)
    extra = sorted(present - set(wanted))
    if check and (stale or extra):
        print(f"docs/examples is out of date ({', '.join(stale + extra)}); run scripts/make-examples.py", file=sys.stderr)
        sys.exit(1)
    for name in extra:
        os.remove(os.path.join(OUT, name))
    if not check:
        print(f"wrote {len(wanted)} files to docs/examples ({len(stale)} changed)")


main()
