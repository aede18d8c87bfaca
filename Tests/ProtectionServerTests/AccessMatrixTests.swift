import ProtectionMessages
@testable import ProtectionServer
import ProtectionServices
import RPCCore
import Testing

/// Every rpc the server serves, called in every role with an empty request: a role
/// its schema does not declare gets PERMISSION_DENIED, changes nothing and is
/// audited; a declared role is never refused for its role. The expectations come
/// from the generated method tables (the `Roles:` lines), not from this file.
@Suite struct AccessMatrixTests {
    /// A development credential of each role.
    static let callers = [
        ("admin", "admin-1"), ("reviewer", "reviewer-1"), ("internal_service", "order-service"), ("merchant", "M-1"),
        ("buyer", "B-1"),
    ]

    @Test func everyRpcInEveryRole() async throws {
        try await AccessHarness.with { harness in
            let methods = harness.router.methods
            #expect(methods.count == 55, "every rpc of the schema is served")
            #expect(Set(harness.router.declaredRoles.keys) == Set(methods.map(\.fullyQualifiedMethod)), "every rpc declares roles")
            var allowed = 0
            var denied = 0
            for method in methods {
                let roles = try #require(harness.router.declaredRoles[method.fullyQualifiedMethod])
                for (role, id) in Self.callers {
                    let before = try await harness.core.store.latestSequence()
                    let code = await harness.call(method, metadata: try harness.metadata(role, id))
                    if roles.scope(of: role) == nil {
                        denied += 1
                        #expect(code == .permissionDenied, "\(method) as \(role)")
                        #expect(try await harness.changes(after: before).isEmpty, "\(method) as \(role) changed something")
                        let refusal = try await harness.refusals(after: before)
                        #expect(refusal.count == 1 && refusal.first?.subjectId == method.fullyQualifiedMethod
                            && refusal.first?.actor?.principalId == id && refusal.first?.action == .refused
                            && refusal.first?.reason.hasPrefix("permission_denied: role \(role)") == true,
                            "\(method) as \(role): \(refusal)")
                    } else {
                        allowed += 1
                        #expect(code != .permissionDenied && code != .unauthenticated, "\(method) as \(role): \(String(describing: code))")
                    }
                }
            }
            #expect(allowed > 0 && denied > 0 && allowed + denied == methods.count * Self.callers.count)
        }
    }

    @Test func anRpcWithoutADeclarationIsCalledByNoOne() async throws {
        // The method table of a service whose rpc declares no roles: the router has a
        // handler but no roles, so every role is refused.
        try await AccessHarness.with { harness in
            let undeclared = HealthService.Method.checkHealth
            var roles = harness.router.declaredRoles
            roles[undeclared.fullyQualifiedMethod] = nil
            let interceptor = harness.accessInterceptor(roles: roles)
            let transport = InProcessTransport()
            let server = RPCServer(transport: transport.server, router: harness.router, interceptors: [interceptor])
            let client = RPCClient(transport: transport.client)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.serve() }
                group.addTask { try await client.runConnections() }
                defer {
                    client.beginGracefulShutdown()
                    server.beginGracefulShutdown()
                }
                for (role, id) in Self.callers {
                    do {
                        _ = try await HealthService.Client(client).checkHealth(
                            CheckHealthRequest(), metadata: try harness.metadata(role, id), options: AccessHarness.options)
                        Issue.record("\(role) called an rpc without a declaration")
                    } catch {
                        #expect(RPCError(converting: error).code == .permissionDenied)
                        #expect(RPCError(converting: error).message.contains("declared: none"))
                    }
                }
            }
        }
    }
}
