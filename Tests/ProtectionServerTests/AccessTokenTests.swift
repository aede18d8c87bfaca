import Foundation
import ProtectionMessages
import ProtectionServices
import ProtectionStore
import RPCCore
import Testing

@testable import ProtectionServer

/// Bearer tokens: what is refused with UNAUTHENTICATED, revocation and rotation
/// taking effect on the next call, and tokens changed by another process (as
/// `protection-server tokens` does) followed within the follow interval.
@Suite struct AccessTokenTests {
    static let rules = RuleSetService.Method.getRuleSet

    static func bearer(_ value: String) throws -> Metadata { try Metadata([("authorization", value)]) }

    @Test("missing, malformed and unknown tokens are UNAUTHENTICATED, audited without the token")
    func badTokens() async throws {
        try await AccessHarness.with { harness in
            let real = try #require(harness.tokens["admin/admin-1"])
            let forged = String(real.dropLast(4)) + (real.hasSuffix("0000") ? "1111" : "0000")
            let cases: [(Metadata, String)] = [
                (Metadata(), "no credential"),
                (try Self.bearer("Basic YWRtaW46YWRtaW4="), "malformed credential"),
                (try Self.bearer("Bearer"), "malformed credential"),
                (try Self.bearer("Bearer not-a-token"), "malformed credential"),
                (try Self.bearer("Bearer " + real.uppercased()), "malformed credential"),
                (try Self.bearer("Bearer mpt.c-0000000000000000." + String(repeating: "ab", count: 32)), "unknown token"),
                (try Self.bearer("Bearer " + forged), "unknown token"),
            ]
            for (metadata, reason) in cases {
                let before = try await harness.core.store.latestSequence()
                #expect(await harness.call(Self.rules, metadata: metadata) == .unauthenticated, "\(reason)")
                let audited = try await harness.refusals(after: before)
                #expect(audited.count == 1 && audited.first?.reason.hasPrefix("unauthenticated: \(reason)") == true, "\(audited)")
                #expect(audited.allSatisfy { !$0.reason.contains("mpt.") && !$0.reason.contains(real) })
            }
            // The scheme in any case, like HTTP.
            #expect(await harness.call(Self.rules, metadata: try Self.bearer("bearer " + real)) == nil)
        }
    }

    @Test("a revoked token fails on the next call; a rotated one too, and its replacement works")
    func revokeAndRotate() async throws {
        try await AccessHarness.with { harness in
            let access = AccessService.Client(harness.client)
            let admin = try harness.metadata("admin", "admin-1")
            var issue = IssueTokenRequest()
            issue.idempotencyKey = "issue-1"
            issue.role = .internalService
            issue.principalId = "payout-service"
            let issued = try await access.issueToken(issue, metadata: admin, options: AccessHarness.options)
            #expect(issued.token.hasPrefix("mpt.\(issued.credential?.credentialId ?? "?").") && issued.token.count == 4 + 18 + 1 + 64)
            let retry = try await access.issueToken(issue, metadata: admin, options: AccessHarness.options)
            #expect(retry.credential == issued.credential && retry.token.isEmpty, "a retry never shows the token again")
            let payout = try Self.bearer("Bearer " + issued.token)
            #expect(await harness.call(Self.rules, metadata: payout) == nil)

            var rotate = RotateTokenRequest()
            rotate.idempotencyKey = "rotate-1"
            rotate.credentialId = issued.credential?.credentialId ?? ""
            let rotated = try await access.rotateToken(rotate, metadata: admin, options: AccessHarness.options)
            #expect(rotated.rotated?.state == .rotated && rotated.rotated?.replacedBy == rotated.credential?.credentialId)
            #expect(rotated.credential?.principalId == "payout-service" && rotated.credential?.role == .internalService)
            #expect(await harness.call(Self.rules, metadata: payout) == .unauthenticated, "the rotated-out token")
            let replacement = try Self.bearer("Bearer " + rotated.token)
            #expect(await harness.call(Self.rules, metadata: replacement) == nil)

            var revoke = RevokeTokenRequest()
            revoke.idempotencyKey = "revoke-1"
            revoke.credentialId = rotated.credential?.credentialId ?? ""
            revoke.reason = "moved"
            let revoked = try await access.revokeToken(revoke, metadata: admin, options: AccessHarness.options)
            #expect(revoked.credential?.state == .revoked && revoked.credential?.revokeReason == "moved")
            #expect(await harness.call(Self.rules, metadata: replacement) == .unauthenticated, "the revoked token, at once")
            do {
                revoke.idempotencyKey = "revoke-2"
                _ = try await access.revokeToken(revoke, metadata: admin, options: AccessHarness.options)
                Issue.record("revoked twice")
            } catch {
                #expect(RPCError(converting: error).code == .failedPrecondition)
            }

            var list = ListTokensRequest()
            list.principalId = "payout-service"
            let listed = try await access.listTokens(list, metadata: admin, options: AccessHarness.options)
            #expect(listed.credentials.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.revoked, .rotated])
            // The store keeps hashes only: no token appears in any stored byte.
            let database = try Data(contentsOf: harness.folder.appendingPathComponent("protection.sqlite"))
                + ((try? Data(contentsOf: harness.folder.appendingPathComponent("protection.sqlite-wal"))) ?? Data())
            for token in [issued.token, rotated.token] + harness.tokens.values {
                #expect(database.range(of: Data(token.utf8)) == nil, "a token is stored")
            }
        }
    }

    @Test("a token revoked by another process on the same store fails within the follow interval")
    func followsOtherProcesses() async throws {
        try await AccessHarness.with(configure: { $0.credentialFollowInterval = .milliseconds(50) }) { harness in
            let buyer = try harness.metadata("buyer", "B-2")
            #expect(await harness.call(Self.rules, metadata: buyer) == nil)
            let id = try #require(harness.credentials.first { $0.principalId == "B-2" }?.credentialId)
            // A second store on the same file, as `protection-server tokens revoke` opens it.
            let other = try SQLiteStore(configuration: .init(path: harness.folder.appendingPathComponent("protection.sqlite").path))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await other.run() }
                defer { other.close() }
                let core = try await ServerCore.open(store: other, clock: ManualClock(AccessHarness.now), logger: harness.core.logger)
                var revoke = RevokeTokenRequest()
                revoke.idempotencyKey = "cli-revoke"
                revoke.credentialId = id
                _ = try await AccessHandler(core: core).revokeToken(
                    revoke, context: DevelopmentCredentials.localContext(AccessService.Method.revokeToken, as: .admin, id: "local:test"))
                group.cancelAll()
            }
            var refused = false
            for _ in 0..<100 where !refused {
                refused = await harness.call(Self.rules, metadata: buyer) == .unauthenticated
                if !refused { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(refused, "the other process's revocation was not followed within 2 s")
        }
    }

    @Test("a token of the right role for another principal reaches nothing of that principal")
    func rightRoleWrongPrincipal() async throws {
        try await AccessHarness.with { harness in
            var rights = GetMerchantRightsRequest()
            rights.merchantId = "M-2"
            do {
                _ = try await MerchantService.Client(harness.client).getMerchantRights(
                    rights, metadata: try harness.metadata("merchant", "M-1"), options: AccessHarness.options)
                Issue.record("M-1 read M-2's rights")
            } catch {
                #expect(RPCError(converting: error).code == .notFound)
            }
        }
    }

    @Test func tokensHaveTheirShapeAndCompareInConstantTime() {
        let token = BearerToken.issue(credentialID: "c-0123456789abcdef")
        #expect(BearerToken.parse(authorization: "Bearer " + token.text)?.credentialID == "c-0123456789abcdef")
        #expect(BearerToken.issue(credentialID: "c-1").text != BearerToken.issue(credentialID: "c-1").text)
        for bad in ["", "Bearer ", "Bearer mpt..", "Bearer mpt.c-1.abc", "Bearer xyz.c-1." + String(repeating: "0", count: 64),
                    "Bearer mpt.C-1." + String(repeating: "0", count: 64), "Token " + token.text] {
            #expect(BearerToken.parse(authorization: bad) == nil, "\(bad)")
        }
        #expect(BearerToken.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!BearerToken.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!BearerToken.constantTimeEqual([1, 2, 3], [1, 2]))
    }
}
