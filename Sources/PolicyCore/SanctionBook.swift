import ProtectionMessages
import ProtoWire

/// One buyer's sanctions kept step by step as cases are confirmed and overturned
/// and time passes. Each change replays the ladder only from the moment it
/// affects, starting from the snapshot kept there; the result always equals
/// ``Sanctions/sanctions(for:ruleSet:now:)`` over the same cases. One book keeps
/// one buyer's cases.
public struct SanctionBook: Sendable {
    public let ruleSet: RuleSet
    /// The cases so far, overturned ones marked.
    public private(set) var cases: [ConfirmedCase] = []
    /// The latest time the book has reached.
    public private(set) var now: ProtoTimestamp
    private var state = LadderState()
    private var table = CaseTable([])
    private let timeline: LadderTimeline
    /// The state after each replayed moment, oldest first.
    private var snapshots: [LadderState] = []

    public init(ruleSet: RuleSet, now: ProtoTimestamp) {
        self.ruleSet = ruleSet
        self.timeline = LadderTimeline([ruleSet])
        self.now = now
    }

    /// Every sanction so far, with its state at ``now``.
    public var sanctions: [Sanction] { state.finished(table: CaseTable(cases), timeline: timeline, now: now.seconds) }

    /// Records a confirmed case (at its confirmation time, which may be earlier than ``now``).
    public mutating func confirm(_ confirmed: ConfirmedCase) {
        cases.append(confirmed)
        rollBack(before: confirmed.confirmedAt.seconds)
        now = max(now, confirmed.confirmedAt)
        replay()
    }

    /// Overturns a case at `time`: everything it caused is undone, as if it had never
    /// been confirmed. Returns false for an unknown or already overturned case.
    @discardableResult
    public mutating func overturn(complaintID: String, at time: ProtoTimestamp) -> Bool {
        guard let index = cases.firstIndex(where: { $0.complaintID == complaintID && !$0.reversed }) else { return false }
        cases[index].reversed = true
        cases[index].reversedAt = time
        rollBack(before: cases[index].confirmedAt.seconds)
        now = max(now, time)
        replay()
        return true
    }

    /// Lets time pass to `time`: points expire, sanctions end.
    public mutating func advance(to time: ProtoTimestamp) {
        now = max(now, time)
        replay()
    }

    /// Drops what was replayed at or after `time`.
    private mutating func rollBack(before time: Int64) {
        while let last = snapshots.last, (last.lastTime ?? .min) >= time { snapshots.removeLast() }
        state = snapshots.last ?? LadderState()
    }

    /// Replays the moments after the last one replayed, up to ``now``.
    private mutating func replay() {
        if table.cases != cases { table = CaseTable(cases) }
        // One moment at a time, keeping the state after each.
        var position = table.firstChange(after: state.lastTime)
        while position < table.changes.count, table.changes[position].time <= now.seconds {
            let time = table.changes[position].time
            state.replay(table: table, timeline: timeline, until: time)
            snapshots.append(state)
            position = table.firstChange(after: time)
        }
    }
}
