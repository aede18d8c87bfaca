import PolicyCore
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore

/// Serves `protection.v1.DisputeService`: adjudication by the industry pack in force
/// when the problem was reported, and the packs themselves, drafts marked.
public struct DisputeHandler: DisputeService.Handler {
    let core: ServerCore

    public init(core: ServerCore) {
        self.core = core
    }

    public func adjudicateDispute(_ request: AdjudicateDisputeRequest, context: ServerContext) async throws
        -> AdjudicateDisputeResponse
    {
        _ = try Caller(context)
        var check = FieldCheck()
        check.known(request.industry, "industry")
        check.known(request.reason, "reason")
        if let facts = request.facts { check.require(facts.industry == request.industry, "facts", "are for another industry than \(request.industry.protoName ?? "")") }
        if let received = request.receivedAt, let reported = request.reportedAt {
            check.require(received <= reported, "reported_at", "is before received_at")
        }
        let now = core.clock.now()
        if let reported = request.reportedAt { check.require(reported <= now, "reported_at", "is in the future") }
        for (index, item) in request.evidence.enumerated() {
            check.require(item.payload != nil, "evidence[\(index)]", "has no content")
        }
        try check.check()
        let ruleSet = core.catalog.inForce(at: request.reportedAt ?? now)
        return DisputeAdjudication.adjudicate(request, ruleSet: ruleSet, now: now)
    }

    public func listDisputeRulePacks(_ request: ListDisputeRulePacksRequest, context: ServerContext) async throws
        -> ListDisputeRulePacksResponse
    {
        _ = try Caller(context)
        let paging = try ListPage(request, page: \.page)
        let now = core.clock.now()
        let sources = request.allVersions ? core.catalog.all : [core.catalog.inForce(at: now)]
        var seen = Set<String>()
        var packs: [DisputeRulePack] = []
        for rules in sources.reversed() {
            for pack in rules.disputes?.packs ?? [] where request.industries.isEmpty || request.industries.contains(pack.industry) {
                guard request.includeDrafts || !pack.draft, seen.insert("\(pack.industry.rawValue)/\(pack.packVersion)").inserted else { continue }
                packs.append(pack)
            }
        }
        // By industry, then version descending; the page position encodes both.
        packs.sort { ($0.industry.rawValue, -$0.packVersion) < ($1.industry.rawValue, -$1.packVersion) }
        let position = { (pack: DisputeRulePack) in PageCursor(time: Int64(pack.industry.rawValue) * 1_000_000 - Int64(pack.packVersion), id: "") }
        if let after = paging.cursor {
            packs.removeAll { position($0).time <= after.time }
        }
        var response = ListDisputeRulePacksResponse()
        (response.packs, response.page) = paging.cut(packs, position: position)
        return response
    }

    public func getDisputeRulePack(_ request: GetDisputeRulePackRequest, context: ServerContext) async throws
        -> GetDisputeRulePackResponse
    {
        _ = try Caller(context)
        var check = FieldCheck()
        check.known(request.industry, "industry")
        check.require(request.packVersion >= 0, "pack_version", "must not be negative")
        try check.check()
        let now = core.clock.now()
        let inForce = core.catalog.inForce(at: now)
        let candidates = request.packVersion == 0 ? [inForce] : core.catalog.all.reversed()
        for rules in candidates {
            if let pack = rules.disputes?.packs.first(where: {
                $0.industry == request.industry && (request.packVersion == 0 || $0.packVersion == request.packVersion)
            }) {
                var response = GetDisputeRulePackResponse()
                response.pack = pack
                response.ruleSetVersion = rules.version
                return response
            }
        }
        throw ServiceError.notFound(
            "No \(request.industry.protoName ?? "") pack" + (request.packVersion == 0 ? " is in force." : " version \(request.packVersion)."))
    }
}

extension AdjudicateDisputeRequest.Facts {
    /// The industry the facts are for.
    var industry: Industry {
        switch self {
        case .apparel: .apparel
        case .jewelry: .jewelry
        case .pets: .pets
        case .electronics3c: .electronics3c
        case .fmcg: .fmcg
        case .prelovedLuxury: .prelovedLuxury
        }
    }
}
