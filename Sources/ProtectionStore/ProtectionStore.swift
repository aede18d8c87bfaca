import ProtectionMessages
import ProtoWire

/// Whose orders: a store's or a buyer's.
public enum OrderOwner: Sendable, Hashable {
    case merchant(String)
    case buyer(String)
}

/// The service's durable state: an append-only, numbered event log of every state
/// change (the audit trail, the sanction watch's source, the history what-if
/// replays) and the tables reads use. One implementation per database, the same
/// behaviour for each (the store test suite runs over every backend).
///
/// Writes: ``commit(_:)`` applies one call's whole change in one transaction (the
/// idempotency check, the guards, the rows, the log entries) and returns once it
/// is durable; concurrent commits share a transaction and its sync. Reads never
/// wait for writes.
public protocol ProtectionStore: Sendable {
    // MARK: Writing

    /// Commits `change` durably; throws ``StoreError`` with `.conflict` when a guarded
    /// key changed since it was read, `.idempotencyKeyReused` when the key came with
    /// another request. A replay of the same key and request writes nothing.
    func commit(_ change: StoreChange) async throws -> CommitReceipt

    /// Called after each commit, before the callers are answered, with the committed
    /// entries in sequence order (on the writer's thread: keep it short).
    func setCommitObserver(_ observer: @escaping @Sendable ([CommittedEntry]) -> Void)

    /// Runs the writer: commits wait for it. Returns once ``close()`` was called
    /// and every commit submitted before it is answered.
    func run() async throws

    /// Stops taking commits (later ones fail with `.closed`); those already
    /// submitted are still committed and answered.
    func close()

    // MARK: Idempotency and guards

    func idempotencyRecord(scope: String, key: String) async throws -> IdempotencyRecord?
    /// The current revision of each key (0 for a key never written).
    func revisions(_ keys: [String]) async throws -> [String: Int64]

    // MARK: Facts

    /// Stored facts of `kind` by id.
    func facts(_ kind: FactKind, ids: [String]) async throws -> [String: Fact]
    /// What a merchant's experience score reads, from one snapshot.
    func merchantFigures(_ merchantID: String, paid: TimeWindow) async throws -> MerchantFigures
    /// Orders of `owner` paid in `paid`.
    func orders(of owner: OrderOwner, paid: TimeWindow) async throws -> [OrderFact]
    /// After-sales requests on orders of `owner` paid in `paid`.
    func afterSales(onOrdersOf owner: OrderOwner, paid: TimeWindow) async throws -> [AfterSalesRequestFact]
    /// After-sales requests on one order.
    func afterSales(orderID: String) async throws -> [AfterSalesRequestFact]
    /// Refunds on orders of `owner`, refunded in `refunded`.
    func refunds(onOrdersOf owner: OrderOwner, refunded: TimeWindow) async throws -> [RefundFact]
    /// Refunds on one order.
    func refunds(orderID: String) async throws -> [RefundFact]
    /// Return shipments on orders of `owner`, shipped in `shipped`.
    func returnShipments(onOrdersOf owner: OrderOwner, shipped: TimeWindow) async throws -> [ReturnShipmentFact]
    /// Return shipments on one order.
    func returnShipments(orderID: String) async throws -> [ReturnShipmentFact]
    /// Promotions running at some point of `window`.
    func promotions(overlapping window: TimeWindow) async throws -> [PromotionFact]
    /// Who bought each order and where, by order id after `afterID`: for loading the index.
    func orderOwners(afterID: String, limit: Int) async throws -> [OrderOwnership]
    /// Price observations of one item of a store, in `observed`.
    func referencePrices(merchantID: String, itemID: String, observed: TimeWindow) async throws -> [ReferencePriceFact]
    /// A buyer's reviews of a merchant left in `reviewed`.
    func reviews(buyerID: String, merchantID: String, reviewed: TimeWindow) async throws -> [ReviewFact]

    // MARK: Complaints

    func complaint(id: String) async throws -> Complaint?
    /// Complaints matching `query`, newest filed first.
    func complaints(_ query: ComplaintQuery) async throws -> [Complaint]
    /// The complaint on (order, type) that is neither rejected nor overturned, if any.
    func openComplaint(orderID: String, type: ComplaintType) async throws -> Complaint?
    /// Complaints whose next clock (review, evidence or appeal) falls due at or
    /// before `time` and has not been applied, earliest first.
    func complaintsDue(at time: Int64, limit: Int) async throws -> [Complaint]
    /// Every complaint ever confirmed (confirmed, appealed, upheld or overturned),
    /// by id, after `afterID`: for loading the index.
    func confirmedComplaints(afterID: String, limit: Int) async throws -> [Complaint]

    // MARK: Ledger and sanctions

    func ledgerEntries(buyerID: String) async throws -> [LedgerEntry]
    /// Active ledger entries expiring at or before `time`.
    func ledgerEntriesDue(at time: Int64, limit: Int) async throws -> [LedgerEntry]
    func sanction(id: String) async throws -> Sanction?
    func sanctions(buyerID: String) async throws -> [Sanction]
    /// Sanctions matching `query`, newest started first.
    func sanctions(_ query: SanctionQuery) async throws -> [Sanction]
    /// Active sanctions ending at or before `time`.
    func sanctionsDue(at time: Int64, limit: Int) async throws -> [Sanction]
    /// Active sanctions by id, after `afterID`: for loading the index.
    func activeSanctions(afterID: String, limit: Int) async throws -> [Sanction]

    // MARK: Return insurance

    func enrollment(merchantID: String) async throws -> ReturnInsuranceEnrollment?
    func participation(merchantID: String, promotionID: String) async throws -> PromotionParticipation?
    func participations(merchantID: String) async throws -> [PromotionParticipation]
    func optIn(orderID: String) async throws -> InsuranceOptIn?
    func claim(id: String) async throws -> ReturnInsuranceClaim?
    /// Claims matching `query`, newest return first.
    func claims(_ query: ClaimQuery) async throws -> [ReturnInsuranceClaim]
    /// Pending claims whose payout falls due at or before `time`.
    func claimsDue(at time: Int64, limit: Int) async throws -> [ReturnInsuranceClaim]

    // MARK: Price errors

    func priceErrorReport(id: String) async throws -> PriceErrorReport?
    /// Reports matching `query`, newest first.
    func priceErrorReports(_ query: PriceErrorReportQuery) async throws -> [PriceErrorReport]

    // MARK: Rule sets

    /// Every published rule set with its metadata, by version.
    func ruleSets() async throws -> [(RuleSet, RuleSetSummary)]
    /// Every credential (active or ended), by id.
    func credentials() async throws -> [CredentialRecord]
    func credential(id: String) async throws -> CredentialRecord?

    // MARK: The event log

    /// Audit events matching `query`, by sequence.
    func events(_ query: EventQuery) async throws -> [AuditEvent]
    func event(sequence: Int64) async throws -> AuditEvent?
    /// Log entries with their records after `afterSequence`, of one subject kind, by sequence.
    func logEntries(after afterSequence: Int64, subjectKind: AuditSubjectKind, limit: Int) async throws
        -> [CommittedEntry]
    /// The latest sequence (0 for an empty log).
    func latestSequence() async throws -> Int64
    /// The applied transitions among `ids`.
    func appliedTransitions(_ ids: [String]) async throws -> Set<String>
}
