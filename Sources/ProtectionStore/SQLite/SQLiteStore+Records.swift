import Foundation
import GRDB
import ProtectionMessages
import ProtoWire

/// One row of a table reads use: the table, its key columns, and every column
/// (keys included) with its value.
struct RecordRow {
    var table: String
    var keys: [String]
    var columns: [(String, (any DatabaseValueConvertible)?)]

    /// `INSERT ... ON CONFLICT (keys) DO UPDATE`: the row replaced in place, so rows
    /// that refer to it stay valid.
    func upsert(_ db: Database) throws {
        let names = columns.map(\.0)
        let updates = names.filter { !keys.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let sql = "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
            + " ON CONFLICT (\(keys.joined(separator: ", "))) DO UPDATE SET \(updates)"
        try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(columns.map(\.1)))
    }
}

/// Seconds of an optional timestamp, for index columns.
func seconds(_ time: ProtoTimestamp?) -> Int64? { time?.seconds }

/// Protobuf bytes as a blob.
func blob(_ message: some ProtoMessage) -> Data { Data(message.serializedBytes()) }

/// A message from a blob column.
func message<M: ProtoMessage>(_ type: M.Type, _ data: Data) throws -> M {
    do {
        return try M(serializedBytes: [UInt8](data))
    } catch {
        throw StoreError(.corrupt, "A stored \(M.protoMessageName) could not be decoded: \(error)")
    }
}

extension Complaint {
    /// When the complaint's next clock falls due in its state: the evidence deadline,
    /// the review clock, or the appeal window.
    var nextDueAt: ProtoTimestamp? {
        switch state {
        case .needsEvidence: evidenceDueAt
        case .submitted, .underReview: reviewDueAt
        case .confirmed: appealDueAt
        default: nil
        }
    }
}

extension StoredRecord {
    /// The record's kind in the log.
    var kindName: String {
        switch self {
        case .complaint: "complaint"
        case .ledgerEntry: "ledger_entry"
        case .sanction: "sanction"
        case .fact: "fact"
        case .enrollment: "enrollment"
        case .participation: "participation"
        case .optIn: "opt_in"
        case .claim: "claim"
        case .priceErrorReport: "price_error_report"
        case .ruleSet: "rule_set"
        case .appliedTransition: "applied_transition"
        case .credential: "credential"
        }
    }

    /// The record's bytes in the log.
    var logBytes: Data {
        switch self {
        case .complaint(let value): blob(value)
        case .ledgerEntry(let value): blob(value)
        case .sanction(let value): blob(value)
        case .fact(let value): blob(value)
        case .enrollment(let value): blob(value)
        case .participation(let value): blob(value)
        case .optIn(let value): blob(value.answer)
        case .claim(let value): blob(value)
        case .priceErrorReport(let value): blob(value)
        case .ruleSet(let rules, let summary):
            blob({ var both = GetRuleSetResponse(); both.ruleSet = rules; both.summary = summary; return both }())
        case .appliedTransition(let value): blob(value)
        case .credential(let value): blob(value)
        }
    }

    /// The record from its log bytes (the event gives what the bytes do not carry).
    static func decode(kind: String, bytes: Data, event: AuditEvent) throws -> StoredRecord {
        switch kind {
        case "complaint": return .complaint(try message(Complaint.self, bytes))
        case "ledger_entry": return .ledgerEntry(try message(LedgerEntry.self, bytes))
        case "sanction": return .sanction(try message(Sanction.self, bytes))
        case "fact": return .fact(try message(Fact.self, bytes))
        case "enrollment": return .enrollment(try message(ReturnInsuranceEnrollment.self, bytes))
        case "participation": return .participation(try message(PromotionParticipation.self, bytes))
        case "opt_in":
            return .optIn(
                InsuranceOptIn(
                    orderID: event.subjectId, buyerID: event.buyerId, merchantID: event.merchantId,
                    answer: try message(OptInReturnInsuranceResponse.self, bytes)))
        case "claim": return .claim(try message(ReturnInsuranceClaim.self, bytes))
        case "price_error_report": return .priceErrorReport(try message(PriceErrorReport.self, bytes))
        case "rule_set":
            let both = try message(GetRuleSetResponse.self, bytes)
            return .ruleSet(both.ruleSet ?? RuleSet(), both.summary ?? RuleSetSummary())
        case "applied_transition": return .appliedTransition(try message(DueTransition.self, bytes))
        case "credential": return .credential(try message(CredentialRecord.self, bytes))
        default: throw StoreError(.corrupt, "The log holds a record of unknown kind '\(kind)'.")
        }
    }

    /// The row the record is kept in, written by the log entry numbered `sequence`.
    func row(sequence: Int64) -> RecordRow {
        switch self {
        case .complaint(let c):
            return RecordRow(table: "complaints", keys: ["id"], columns: [
                ("id", c.complaintId), ("order_id", c.orderId), ("buyer_id", c.buyerId), ("merchant_id", c.merchantId),
                ("type", Int64(c.type.rawValue)), ("state", Int64(c.state.rawValue)), ("filed_at", seconds(c.filedAt) ?? 0),
                ("due_at", seconds(c.nextDueAt)), ("revision", c.revision), ("body", blob(c)),
            ])
        case .ledgerEntry(let e):
            return RecordRow(table: "ledger_entries", keys: ["id"], columns: [
                ("id", e.entryId), ("buyer_id", e.buyerId), ("merchant_id", e.merchantId), ("complaint_id", e.complaintId),
                ("state", Int64(e.state.rawValue)), ("expires_at", seconds(e.expiresAt)), ("body", blob(e)),
            ])
        case .sanction(let s):
            return RecordRow(table: "sanctions", keys: ["id"], columns: [
                ("id", s.sanctionId), ("buyer_id", s.buyerId), ("merchant_id", s.merchantId), ("kind", Int64(s.kind.rawValue)),
                ("state", Int64(s.state.rawValue)), ("starts_at", seconds(s.startsAt) ?? 0), ("ends_at", seconds(s.endsAt)),
                ("body", blob(s)),
            ])
        case .fact(let fact):
            return factRow(fact, sequence: sequence)
        case .enrollment(let e):
            return RecordRow(table: "enrollments", keys: ["merchant_id"], columns: [("merchant_id", e.merchantId), ("body", blob(e))])
        case .participation(let p):
            return RecordRow(table: "participations", keys: ["merchant_id", "promotion_id"], columns: [
                ("merchant_id", p.merchantId), ("promotion_id", p.promotionId), ("body", blob(p)),
            ])
        case .optIn(let o):
            return RecordRow(table: "opt_ins", keys: ["order_id"], columns: [
                ("order_id", o.orderID), ("buyer_id", o.buyerID), ("merchant_id", o.merchantID), ("body", blob(o.answer)),
            ])
        case .claim(let c):
            return RecordRow(table: "claims", keys: ["id"], columns: [
                ("id", c.claimId), ("order_id", c.orderId), ("merchant_id", c.merchantId), ("buyer_id", c.buyerId),
                ("state", Int64(c.state.rawValue)), ("shipped_at", seconds(c.returnShippedAt) ?? 0),
                ("payout_due_at", seconds(c.payoutDueAt)), ("body", blob(c)),
            ])
        case .priceErrorReport(let r):
            return RecordRow(table: "price_error_reports", keys: ["id"], columns: [
                ("id", r.reportId), ("merchant_id", r.merchantId), ("state", Int64(r.state.rawValue)),
                ("reported_at", seconds(r.reportedAt) ?? 0), ("body", blob(r)),
            ])
        case .ruleSet(let rules, let summary):
            return RecordRow(table: "rule_sets", keys: ["version"], columns: [
                ("version", rules.version), ("effective_at", seconds(rules.effectiveAt) ?? 0), ("body", blob(rules)),
                ("summary", blob(summary)),
            ])
        case .appliedTransition(let t):
            return RecordRow(table: "applied_transitions", keys: ["id"], columns: [
                ("id", t.transitionId), ("kind", Int64(t.kind.rawValue)), ("subject_id", t.subjectId),
                ("due_at", seconds(t.dueAt) ?? 0), ("sequence", sequence),
            ])
        case .credential(let record):
            let c = record.credential ?? Credential()
            return RecordRow(table: "credentials", keys: ["id"], columns: [
                ("id", c.credentialId), ("role", Int64(c.role.rawValue)), ("principal_id", c.principalId),
                ("state", Int64(c.state.rawValue)), ("body", blob(record)),
            ])
        }
    }

    private func factRow(_ fact: Fact, sequence: Int64) -> RecordRow {
        let key = fact.storeKey
        var merchant = "", buyer = "", order = "", item = ""
        var time: Int64?, end: Int64?
        switch fact.payload {
        case .merchant(let m): merchant = m.merchantId; time = seconds(m.indicatorsMeasuredAt)
        case .order(let o): merchant = o.merchantId; buyer = o.buyerId; order = o.orderId; time = seconds(o.paidAt)
        case .afterSalesRequest(let a): order = a.orderId; time = seconds(a.requestedAt)
        case .refund(let r): order = r.orderId; time = seconds(r.refundedAt)
        case .returnShipment(let s): order = s.orderId; time = seconds(s.shippedAt)
        case .promotion(let p): time = seconds(p.startsAt); end = seconds(p.endsAt)
        case .referencePrice(let p): merchant = p.merchantId; item = p.itemId; time = seconds(p.observedAt)
        case .review(let r): merchant = r.merchantId; buyer = r.buyerId; order = r.orderId; time = seconds(r.reviewedAt)
        case nil: break
        }
        return RecordRow(table: "facts", keys: ["kind", "id"], columns: [
            ("kind", key?.kind.rawValue ?? ""), ("id", key?.id ?? ""), ("source_revision", fact.sourceRevision),
            ("sequence", sequence), ("merchant_id", merchant), ("buyer_id", buyer), ("order_id", order),
            ("item_id", item), ("time", time), ("end_time", end), ("body", blob(fact)),
        ])
    }
}
