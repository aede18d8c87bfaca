import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.ClockService`: the transitions due, and applying them now
/// as the sweeper does.
public struct ClockHandler: ClockService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    public func listDueTransitions(_ request: ListDueTransitionsRequest, context: ServerContext) async throws
        -> ListDueTransitionsResponse
    {
        _ = try Caller(context)
        let paging = try ListPage(request, page: \.page)
        for (index, kind) in request.kinds.enumerated() {
            var check = FieldCheck()
            check.known(kind, "kinds[\(index)]")
            try check.check()
        }
        let asOf = request.asOf ?? core.clock.now()
        var due = try await core.dueTransitions(at: asOf, limit: 10_000)
            .filter { request.kinds.isEmpty || request.kinds.contains($0.kind) }
        let position = { (t: DueTransition) in PageCursor(time: t.dueAt?.seconds ?? 0, id: t.transitionId) }
        if let after = paging.cursor {
            due.removeAll { (position($0).time, position($0).id) <= (after.time, after.id) }
        }
        var response = ListDueTransitionsResponse()
        (response.transitions, response.page) = paging.cut(due, position: position)
        return response
    }

    public func runDueTransitions(_ request: RunDueTransitionsRequest, context: ServerContext) async throws
        -> RunDueTransitionsResponse
    {
        try await core.mutate(request, key: request.idempotencyKey, context: context) { mutation in
            var check = FieldCheck()
            check.require((0...10_000).contains(request.maxTransitions), "max_transitions", "must be 0 to 10,000")
            if let asOf = request.asOf { check.require(asOf <= mutation.now, "as_of", "is after the server's current time") }
            try check.check()
            let asOf = request.asOf ?? mutation.now
            let limit = request.maxTransitions == 0 ? 1_000 : Int(request.maxTransitions)
            var response = RunDueTransitionsResponse()
            for transition in try await core.dueTransitions(at: asOf, limit: limit) {
                if let applied = try await core.apply(transition, at: mutation.now) { response.applied.append(applied) }
            }
            response.remainingDue = Int64(try await core.dueTransitions(at: asOf, limit: 10_000).count)
            return Decided(response: response)
        }
    }
}
