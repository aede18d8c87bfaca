import Foundation
import GRDB
import ProtectionMessages
import ProtoWire

/// A WHERE clause built from optional filters, with its arguments.
struct Filter {
    private var clauses: [String] = []
    private(set) var arguments: [(any DatabaseValueConvertible)?] = []

    init(_ clause: String? = nil, _ values: [(any DatabaseValueConvertible)?] = []) {
        if let clause { add(clause, values) }
    }

    mutating func add(_ clause: String, _ values: [(any DatabaseValueConvertible)?] = []) {
        clauses.append(clause)
        arguments += values
    }

    mutating func equal(_ column: String, _ value: String) {
        if !value.isEmpty { add("\(column) = ?", [value]) }
    }

    mutating func within(_ column: String, _ values: [Int64]) {
        if !values.isEmpty { add("\(column) IN (\(values.map { _ in "?" }.joined(separator: ", ")))", values) }
    }

    mutating func window(_ column: String, _ window: TimeWindow) {
        if let from = window.from { add("\(column) >= ?", [from]) }
        if let until = window.until { add("\(column) < ?", [until]) }
    }

    /// Newest first, continuing strictly after the cursor.
    mutating func page(time: String, id: String, _ page: PageRequest) -> String {
        if let after = page.after {
            add("(\(time) < ? OR (\(time) = ? AND \(id) < ?))", [after.time, after.time, after.id])
        }
        arguments.append(page.limit)
        return "\(sql) ORDER BY \(time) DESC, \(id) DESC LIMIT ?"
    }

    var sql: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }
    var statementArguments: StatementArguments { StatementArguments(arguments) }
}

extension SQLiteStore {
    /// The messages in the `body` column of the rows a query selects.
    func bodies<M: ProtoMessage>(_ type: M.Type, _ sql: String, _ arguments: StatementArguments = []) async throws -> [M] {
        try await read { db in try Data.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { try message(M.self, $0) } }
    }

    func bodies<M: ProtoMessage>(_ type: M.Type, from table: String, _ filter: Filter, suffix: String = "") async throws -> [M] {
        try await bodies(type, "SELECT body FROM \(table)\(filter.sql)\(suffix)", filter.statementArguments)
    }

    /// Facts of one kind whose payload is `M`.
    func factBodies<M>(_ sql: String, _ arguments: StatementArguments, _ payload: @escaping @Sendable (Fact) -> M?) async throws -> [M]
    where M: Sendable {
        try await bodies(Fact.self, sql, arguments).compactMap(payload)
    }

    private static func owner(_ owner: OrderOwner, column prefix: String) -> (String, String) {
        switch owner {
        case .merchant(let id): ("\(prefix).merchant_id = ?", id)
        case .buyer(let id): ("\(prefix).buyer_id = ?", id)
        }
    }

    // MARK: Idempotency and guards

    public func idempotencyRecord(scope: String, key: String) async throws -> IdempotencyRecord? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT request_hash, response FROM idempotency WHERE scope = ? AND key = ?"), arguments: [scope, key]
            ).map { row in
                IdempotencyRecord(requestHash: [UInt8](row["request_hash"] as Data), response: [UInt8](row["response"] as Data))
            }
        }
    }

    public func revisions(_ keys: [String]) async throws -> [String: Int64] {
        try await read { db in
            var revisions: [String: Int64] = [:]
            for key in keys {
                revisions[key] = try Int64.fetchOne(db.cachedStatement(sql: "SELECT revision FROM guards WHERE key = ?"), arguments: [key]) ?? 0
            }
            return revisions
        }
    }

    // MARK: Facts

    public func facts(_ kind: FactKind, ids: [String]) async throws -> [String: Fact] {
        var found: [String: Fact] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let rows = try await read { db in
                try Row.fetchAll(db.cachedStatement(sql: "SELECT id, body FROM facts WHERE kind = ? AND id IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))"),
                    arguments: StatementArguments([kind.rawValue] + chunk)
                ).map { row in (row["id"] as String, try message(Fact.self, row["body"] as Data)) }
            }
            for (id, fact) in rows { found[id] = fact }
        }
        return found
    }

    public func merchantFigures(_ merchantID: String, paid: TimeWindow) async throws -> MerchantFigures {
        var orders = Filter("f.kind = 'order' AND f.merchant_id = ?", [merchantID])
        orders.window("f.time", paid)
        var afterSales = Filter("f.kind = 'after_sales' AND o.merchant_id = ?", [merchantID])
        afterSales.window("o.time", paid)
        let states = [ComplaintState.confirmed, .appealed, .upheld, .overturned].map { Int64($0.rawValue) }
        var complaints = Filter("merchant_id = ?", [merchantID])
        complaints.within("state", states)
        let (ordersSQL, ordersArguments) = ("SELECT f.body FROM facts f\(orders.sql)", orders.statementArguments)
        let (afterSalesSQL, afterSalesArguments) = (
            "SELECT f.body FROM facts f JOIN facts o ON o.kind = 'order' AND o.id = f.order_id\(afterSales.sql)",
            afterSales.statementArguments)
        let (complaintsSQL, complaintsArguments) = ("SELECT body FROM complaints\(complaints.sql)", complaints.statementArguments)
        return try await read { db in
            let facts = { (sql: String, arguments: StatementArguments) in
                try Data.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { try message(Fact.self, $0) }
            }
            let merchant = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT body FROM facts WHERE kind = 'merchant' AND id = ?"), arguments: [merchantID]
            ).map { try message(Fact.self, $0) }
            return MerchantFigures(
                merchant: merchant,
                orders: try facts(ordersSQL, ordersArguments).compactMap { if case .order(let order) = $0.payload { order } else { nil } },
                afterSales: try facts(afterSalesSQL, afterSalesArguments).compactMap {
                    if case .afterSalesRequest(let request) = $0.payload { request } else { nil }
                },
                confirmedComplaints: try Data.fetchAll(db.cachedStatement(sql: complaintsSQL), arguments: complaintsArguments)
                    .map { try message(Complaint.self, $0) })
        }
    }

    public func orders(of owner: OrderOwner, paid: TimeWindow) async throws -> [OrderFact] {
        var filter = Filter("kind = 'order'")
        let (clause, id) = Self.owner(owner, column: "facts")
        filter.add(clause, [id])
        filter.window("time", paid)
        return try await factBodies("SELECT body FROM facts\(filter.sql)", filter.statementArguments) {
            if case .order(let order) = $0.payload { order } else { nil }
        }
    }

    /// Facts of `kind` on orders of `owner`, the window on the order's payment or the fact's own time.
    private func onOrders<M: Sendable>(
        _ kind: FactKind, of owner: OrderOwner, window: TimeWindow, onFactTime: Bool,
        _ payload: @escaping @Sendable (Fact) -> M?
    ) async throws -> [M] {
        var filter = Filter("f.kind = ?", [kind.rawValue])
        let (clause, id) = Self.owner(owner, column: "o")
        filter.add(clause, [id])
        filter.window(onFactTime ? "f.time" : "o.time", window)
        return try await factBodies(
            "SELECT f.body FROM facts f JOIN facts o ON o.kind = 'order' AND o.id = f.order_id\(filter.sql)",
            filter.statementArguments, payload)
    }

    private func onOrder<M: Sendable>(_ kind: FactKind, orderID: String, _ payload: @escaping @Sendable (Fact) -> M?) async throws -> [M] {
        try await factBodies("SELECT body FROM facts WHERE kind = ? AND order_id = ?", [kind.rawValue, orderID], payload)
    }

    public func afterSales(onOrdersOf owner: OrderOwner, paid: TimeWindow) async throws -> [AfterSalesRequestFact] {
        try await onOrders(.afterSales, of: owner, window: paid, onFactTime: false) {
            if case .afterSalesRequest(let value) = $0.payload { value } else { nil }
        }
    }

    public func afterSales(orderID: String) async throws -> [AfterSalesRequestFact] {
        try await onOrder(.afterSales, orderID: orderID) { if case .afterSalesRequest(let value) = $0.payload { value } else { nil } }
    }

    public func refunds(onOrdersOf owner: OrderOwner, refunded: TimeWindow) async throws -> [RefundFact] {
        try await onOrders(.refund, of: owner, window: refunded, onFactTime: true) {
            if case .refund(let value) = $0.payload { value } else { nil }
        }
    }

    public func refunds(orderID: String) async throws -> [RefundFact] {
        try await onOrder(.refund, orderID: orderID) { if case .refund(let value) = $0.payload { value } else { nil } }
    }

    public func returnShipments(onOrdersOf owner: OrderOwner, shipped: TimeWindow) async throws -> [ReturnShipmentFact] {
        try await onOrders(.returnShipment, of: owner, window: shipped, onFactTime: true) {
            if case .returnShipment(let value) = $0.payload { value } else { nil }
        }
    }

    public func returnShipments(orderID: String) async throws -> [ReturnShipmentFact] {
        try await onOrder(.returnShipment, orderID: orderID) { if case .returnShipment(let value) = $0.payload { value } else { nil } }
    }

    public func promotions(overlapping window: TimeWindow) async throws -> [PromotionFact] {
        var filter = Filter("kind = 'promotion'")
        if let until = window.until { filter.add("(time IS NULL OR time < ?)", [until]) }
        if let from = window.from { filter.add("(end_time IS NULL OR end_time > ?)", [from]) }
        return try await factBodies("SELECT body FROM facts\(filter.sql)", filter.statementArguments) {
            if case .promotion(let value) = $0.payload { value } else { nil }
        }
    }

    public func orderOwners(afterID: String, limit: Int) async throws -> [OrderOwnership] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT id, buyer_id, merchant_id FROM facts WHERE kind = 'order' AND id > ? ORDER BY id LIMIT ?"),
                arguments: [afterID, limit]
            ).map { OrderOwnership(orderID: $0["id"], buyerID: $0["buyer_id"], merchantID: $0["merchant_id"]) }
        }
    }

    public func referencePrices(merchantID: String, itemID: String, observed: TimeWindow) async throws -> [ReferencePriceFact] {
        var filter = Filter("kind = 'reference_price' AND merchant_id = ? AND item_id = ?", [merchantID, itemID])
        filter.window("time", observed)
        return try await factBodies("SELECT body FROM facts\(filter.sql)", filter.statementArguments) {
            if case .referencePrice(let value) = $0.payload { value } else { nil }
        }
    }

    public func reviews(buyerID: String, merchantID: String, reviewed: TimeWindow) async throws -> [ReviewFact] {
        var filter = Filter("kind = 'review' AND buyer_id = ? AND merchant_id = ?", [buyerID, merchantID])
        filter.window("time", reviewed)
        return try await factBodies("SELECT body FROM facts\(filter.sql)", filter.statementArguments) {
            if case .review(let value) = $0.payload { value } else { nil }
        }
    }

    // MARK: Complaints

    public func complaint(id: String) async throws -> Complaint? {
        try await bodies(Complaint.self, from: "complaints", Filter("id = ?", [id])).first
    }

    public func complaints(_ query: ComplaintQuery) async throws -> [Complaint] {
        var filter = Filter()
        filter.equal("merchant_id", query.merchantID)
        filter.equal("buyer_id", query.buyerID)
        filter.equal("order_id", query.orderID)
        filter.within("state", query.states.map { Int64($0.rawValue) })
        filter.within("type", query.types.map { Int64($0.rawValue) })
        filter.window("filed_at", query.filed)
        let suffix = filter.page(time: "filed_at", id: "id", query.page)
        return try await bodies(Complaint.self, "SELECT body FROM complaints\(suffix)", filter.statementArguments)
    }

    public func openComplaint(orderID: String, type: ComplaintType) async throws -> Complaint? {
        let closed = [ComplaintState.rejected, .overturned].map { Int64($0.rawValue) }
        return try await bodies(
            Complaint.self, "SELECT body FROM complaints WHERE order_id = ? AND type = ? AND state NOT IN (?, ?) LIMIT 1",
            [orderID, Int64(type.rawValue), closed[0], closed[1]]
        ).first
    }

    public func complaintsDue(at time: Int64, limit: Int) async throws -> [Complaint] {
        try await bodies(
            Complaint.self,
            """
            SELECT body FROM complaints c WHERE due_at IS NOT NULL AND due_at <= ?
              AND NOT (state = ? AND EXISTS (SELECT 1 FROM applied_transitions a
                WHERE a.subject_id = c.id AND a.kind = ? AND a.due_at = c.due_at))
            ORDER BY due_at, id LIMIT ?
            """,
            [time, Int64(ComplaintState.confirmed.rawValue), Int64(DueTransitionKind.appealWindowClosed.rawValue), limit])
    }

    public func confirmedComplaints(afterID: String, limit: Int) async throws -> [Complaint] {
        let states = [ComplaintState.confirmed, .appealed, .upheld, .overturned].map { Int64($0.rawValue) }
        var filter = Filter()
        filter.within("state", states)
        filter.add("id > ?", [afterID])
        return try await bodies(Complaint.self, from: "complaints", filter, suffix: " ORDER BY id LIMIT \(limit)")
    }

    // MARK: Ledger and sanctions

    public func ledgerEntries(buyerID: String) async throws -> [LedgerEntry] {
        try await bodies(LedgerEntry.self, from: "ledger_entries", Filter("buyer_id = ?", [buyerID]), suffix: " ORDER BY id")
    }

    public func ledgerEntriesDue(at time: Int64, limit: Int) async throws -> [LedgerEntry] {
        try await bodies(
            LedgerEntry.self, from: "ledger_entries", Filter("state = 1 AND expires_at <= ?", [time]),
            suffix: " ORDER BY expires_at, id LIMIT \(limit)")
    }

    public func sanction(id: String) async throws -> Sanction? {
        try await bodies(Sanction.self, from: "sanctions", Filter("id = ?", [id])).first
    }

    public func sanctions(buyerID: String) async throws -> [Sanction] {
        try await bodies(Sanction.self, from: "sanctions", Filter("buyer_id = ?", [buyerID]), suffix: " ORDER BY starts_at, id")
    }

    public func sanctions(_ query: SanctionQuery) async throws -> [Sanction] {
        var filter = Filter()
        filter.equal("buyer_id", query.buyerID)
        filter.equal("merchant_id", query.merchantID)
        filter.within("kind", query.kinds.map { Int64($0.rawValue) })
        if query.activeOnly { filter.add("state = 1") }
        let suffix = filter.page(time: "starts_at", id: "id", query.page)
        return try await bodies(Sanction.self, "SELECT body FROM sanctions\(suffix)", filter.statementArguments)
    }

    public func sanctionsDue(at time: Int64, limit: Int) async throws -> [Sanction] {
        try await bodies(
            Sanction.self, from: "sanctions", Filter("state = 1 AND ends_at IS NOT NULL AND ends_at <= ?", [time]),
            suffix: " ORDER BY ends_at, id LIMIT \(limit)")
    }

    public func activeSanctions(afterID: String, limit: Int) async throws -> [Sanction] {
        try await bodies(Sanction.self, from: "sanctions", Filter("state = 1 AND id > ?", [afterID]), suffix: " ORDER BY id LIMIT \(limit)")
    }

    // MARK: Return insurance

    public func enrollment(merchantID: String) async throws -> ReturnInsuranceEnrollment? {
        try await bodies(ReturnInsuranceEnrollment.self, from: "enrollments", Filter("merchant_id = ?", [merchantID])).first
    }

    public func participation(merchantID: String, promotionID: String) async throws -> PromotionParticipation? {
        try await bodies(
            PromotionParticipation.self, from: "participations",
            Filter("merchant_id = ? AND promotion_id = ?", [merchantID, promotionID])
        ).first
    }

    public func participations(merchantID: String) async throws -> [PromotionParticipation] {
        try await bodies(
            PromotionParticipation.self, from: "participations", Filter("merchant_id = ?", [merchantID]),
            suffix: " ORDER BY promotion_id")
    }

    public func optIn(orderID: String) async throws -> InsuranceOptIn? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT buyer_id, merchant_id, body FROM opt_ins WHERE order_id = ?"), arguments: [orderID]).map { row in
                InsuranceOptIn(
                    orderID: orderID, buyerID: row["buyer_id"], merchantID: row["merchant_id"],
                    answer: try message(OptInReturnInsuranceResponse.self, row["body"]))
            }
        }
    }

    public func claim(id: String) async throws -> ReturnInsuranceClaim? {
        try await bodies(ReturnInsuranceClaim.self, from: "claims", Filter("id = ?", [id])).first
    }

    public func claims(_ query: ClaimQuery) async throws -> [ReturnInsuranceClaim] {
        var filter = Filter()
        filter.equal("merchant_id", query.merchantID)
        filter.equal("buyer_id", query.buyerID)
        filter.equal("order_id", query.orderID)
        filter.within("state", query.states.map { Int64($0.rawValue) })
        filter.window("shipped_at", query.shipped)
        let suffix = filter.page(time: "shipped_at", id: "id", query.page)
        return try await bodies(ReturnInsuranceClaim.self, "SELECT body FROM claims\(suffix)", filter.statementArguments)
    }

    public func claimsDue(at time: Int64, limit: Int) async throws -> [ReturnInsuranceClaim] {
        try await bodies(
            ReturnInsuranceClaim.self, from: "claims", Filter("state = 1 AND payout_due_at <= ?", [time]),
            suffix: " ORDER BY payout_due_at, id LIMIT \(limit)")
    }

    // MARK: Price errors

    public func priceErrorReport(id: String) async throws -> PriceErrorReport? {
        try await bodies(PriceErrorReport.self, from: "price_error_reports", Filter("id = ?", [id])).first
    }

    public func priceErrorReports(_ query: PriceErrorReportQuery) async throws -> [PriceErrorReport] {
        var filter = Filter()
        filter.equal("merchant_id", query.merchantID)
        filter.within("state", query.states.map { Int64($0.rawValue) })
        filter.window("reported_at", query.reported)
        let suffix = filter.page(time: "reported_at", id: "id", query.page)
        return try await bodies(PriceErrorReport.self, "SELECT body FROM price_error_reports\(suffix)", filter.statementArguments)
    }

    // MARK: Rule sets

    public func ruleSets() async throws -> [(RuleSet, RuleSetSummary)] {
        let rows = try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT body, summary FROM rule_sets ORDER BY version")).map { row in
                GetRuleSetResponse.with(
                    try message(RuleSet.self, row["body"]), try message(RuleSetSummary.self, row["summary"]))
            }
        }
        return rows.map { ($0.ruleSet ?? RuleSet(), $0.summary ?? RuleSetSummary()) }
    }

    public func credentials() async throws -> [CredentialRecord] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT body FROM credentials ORDER BY id")).map { row in
                try message(CredentialRecord.self, row["body"])
            }
        }
    }

    public func credential(id: String) async throws -> CredentialRecord? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT body FROM credentials WHERE id = ?"), arguments: [id]).map { row in
                try message(CredentialRecord.self, row["body"])
            }
        }
    }

    // MARK: The event log

    public func events(_ query: EventQuery) async throws -> [AuditEvent] {
        var filter = Filter("sequence > ?", [query.afterSequence])
        if query.subjectKind != .unspecified { filter.add("subject_kind = ?", [Int64(query.subjectKind.rawValue)]) }
        filter.equal("subject_id", query.subjectID)
        filter.equal("actor_id", query.actorID)
        filter.equal("merchant_id", query.merchantID)
        filter.equal("buyer_id", query.buyerID)
        filter.within("action", query.actions.map { Int64($0.rawValue) })
        filter.window("occurred_at", query.occurred)
        let sql = "SELECT sequence, event FROM event_log\(filter.sql) ORDER BY sequence LIMIT \(query.limit)"
        let arguments = filter.statementArguments
        return try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(Self.event)
        }
    }

    public func event(sequence: Int64) async throws -> AuditEvent? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT sequence, event FROM event_log WHERE sequence = ?"), arguments: [sequence]).map(Self.event)
        }
    }

    static func event(_ row: Row) throws -> AuditEvent {
        var event = try message(AuditEvent.self, row["event"])
        event.sequence = row["sequence"]
        return event
    }

    public func logEntries(after afterSequence: Int64, subjectKind: AuditSubjectKind, limit: Int) async throws -> [CommittedEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, event, record_kind, record, rule_set_version FROM event_log
                    WHERE subject_kind = ? AND sequence > ? ORDER BY sequence LIMIT ?
                    """,
                arguments: [Int64(subjectKind.rawValue), afterSequence, limit]
            ).map { row in
                let event = try Self.event(row)
                let kind: String? = row["record_kind"]
                let record = try kind.map { try StoredRecord.decode(kind: $0, bytes: row["record"], event: event) }
                return CommittedEntry(
                    sequence: event.sequence,
                    entry: LogEntry(event: event, record: record, ruleSetVersion: row["rule_set_version"]))
            }
        }
    }

    public func latestSequence() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(sequence) FROM event_log")) ?? 0 }
    }

    public func appliedTransitions(_ ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try await read { db in
            Set(
                try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM applied_transitions WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))"),
                    arguments: StatementArguments(ids)))
        }
    }
}

extension GetRuleSetResponse {
    static func with(_ ruleSet: RuleSet, _ summary: RuleSetSummary) -> GetRuleSetResponse {
        var both = GetRuleSetResponse()
        both.ruleSet = ruleSet
        both.summary = summary
        return both
    }
}
