import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import Testing

/// Access on a real server process: the development credentials file, tokens never
/// in any log line or audit entry, and watchers ended with UNAVAILABLE when the
/// server drains rather than held until the drain's end.
@Suite struct AccessEndToEndTests {
    @Test func credentialsAreMode0600AndNoTokenAppearsInTheLogOrTheAuditLog() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-access-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(dataDirectory: folder, time: Time.at(day: 1))
        try await server.start()
        do {
            let file = folder.appendingPathComponent("credentials.json").path
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue == 0o600)
            let development = try server.developmentCredentials
            #expect(Set(development.map(\.role)) == ["admin", "reviewer", "internal_service", "merchant", "buyer"])
            #expect(development.count == DevelopmentCredentialCount)
            let tokens = Collected<String>()
            development.forEach { tokens.append($0.token) }
            try await withClients(of: server) { _, clients in
                // Calls with good, bad, forged and revoked tokens, and a token issued live.
                let admin = try await Principal.admin.metadata
                var issue = IssueTokenRequest()
                issue.idempotencyKey = "issue-e2e"
                issue.role = .buyer
                issue.principalId = "B-9"
                let issued = try await clients.access.issueToken(issue, metadata: admin, options: callOptions)
                tokens.append(issued.token)
                var revoke = RevokeTokenRequest()
                revoke.idempotencyKey = "revoke-e2e"
                revoke.credentialId = issued.credential?.credentialId ?? ""
                _ = try await clients.access.revokeToken(revoke, metadata: admin, options: callOptions)
                let forged = String(issued.token.dropLast(8)) + "00000000"
                for value in ["Bearer " + issued.token, "Bearer " + forged, "Bearer " + development[0].token + "x", "Basic " + issued.token] {
                    let refused = await refusal {
                        _ = try await clients.rules.getRuleSet(
                            GetRuleSetRequest(), metadata: try Metadata([("authorization", value)]), options: callOptions)
                    }
                    #expect(refused?.0 == .unauthenticated, "\(value.prefix(12))")
                }
                tokens.append(forged)
                var all = ListAuditEventsRequest()
                all.page = PageQuery()
                all.page?.pageSize = 500
                let events = try await clients.audit.listAuditEvents(all, metadata: admin, options: callOptions).events
                #expect(events.contains { $0.subjectKind == .credential && $0.subjectId == issued.credential?.credentialId })
                #expect(events.filter { $0.action == .refused }.count >= 4)
                let audit = events.map { "\($0)" }.joined(separator: "\n")
                for token in tokens.items { #expect(!audit.contains(String(token.suffix(64))), "a token in the audit log") }
                #expect(!audit.contains("mpt."))
            }
            try await server.stop()
            let log = server.log
            #expect(log.contains("development credentials written") && log.contains(file), "the log names the file")
            for token in tokens.items { #expect(!log.contains(String(token.suffix(64))), "a token in the server's log") }
            #expect(!log.contains("mpt."))
        } catch {
            Issue.record("server log:\n\(server.log.suffix(4_000))")
            server.kill()
            throw error
        }
    }

    @Test func watchersEndWithUnavailableWhenTheServerDrains() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-drain-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(dataDirectory: folder, time: Time.at(day: 1))
        try await server.start()
        do {
            try await withClients(of: server) { _, clients in
                let service = try await Principal.service.metadata
                let options = CallOptions(timeout: .seconds(120), waitForReady: true)
                let opened = Collected<String>()
                let health = Task { () -> RPCError? in
                    do {
                        try await HealthService.Client(clients.base).watchHealth(
                            WatchHealthRequest(), metadata: service, options: options
                        ) { response in
                            for try await _ in response.messages { opened.append("health") }
                        }
                        return nil
                    } catch {
                        return RPCError(converting: error)
                    }
                }
                let sanctions = Task { () -> RPCError? in
                    do {
                        try await clients.integrity.watchSanctions(WatchSanctionsRequest(), metadata: service, options: options) {
                            response in
                            for try await _ in response.messages { opened.append("sanctions") }
                        }
                        return nil
                    } catch {
                        return RPCError(converting: error)
                    }
                }
                // Generous: other suites in the same process can hold the few cooperative threads for a while.
                try await eventually("both watches answer", within: 120) { Set(opened.items) == ["health", "sanctions"] }
                try await server.stop()
                let healthEnd = await health.value
                let sanctionsEnd = await sanctions.value
                #expect(healthEnd?.code == .unavailable && healthEnd?.message.contains("shutting down") == true, "\(String(describing: healthEnd))")
                #expect(sanctionsEnd?.code == .unavailable && sanctionsEnd?.message.contains("resume the watch") == true,
                    "\(String(describing: sanctionsEnd))")
            }
            #expect(!server.log.contains("calls cut off"), "a watcher held the drain to its end")
        } catch {
            Issue.record("server log:\n\(server.log.suffix(4_000))")
            server.kill()
            throw error
        }
    }
}
