import Foundation
import Logging
import ProtectionMessages
@testable import ProtectionServer
import ProtectionServices
import ProtectionStore
import ProtoWire
import RPCCore
import Testing

/// A server core on a temporary SQLite store, with the development credentials,
/// every handler and the server's interceptors, served in process.
struct AccessHarness: Sendable {
    let core: ServerCore
    let router: RPCRouter
    let client: RPCClient
    let folder: URL
    /// The development credentials' tokens, by "role/principal".
    let tokens: [String: String]
    let credentials: [Credential]

    static let now = ProtoTimestamp(seconds: 1_796_083_200, nanos: 0)  // 2026-12-01T00:00:00Z
    static let options = CallOptions(timeout: .seconds(30))

    /// The bearer-token metadata of a development credential.
    func metadata(_ role: String, _ id: String) throws -> Metadata {
        try Metadata([("authorization", "Bearer \(try #require(tokens["\(role)/\(id)"], "no token of \(role) \(id)"))")])
    }

    static func with<T: Sendable>(
        configure: @Sendable (inout ServerCore.Configuration) -> Void = { _ in },
        _ body: @Sendable (AccessHarness) async throws -> T
    ) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("protection.sqlite").path))
        let logger = Logger(label: "access-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        var configuration = ServerCore.Configuration()
        configuration.heartbeatInterval = .milliseconds(100)
        configure(&configuration)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { store.close() }
            let core = try await ServerCore.open(store: store, clock: ManualClock(now), logger: logger, configuration: configuration)
            let issued = try #require(try await DevelopmentCredentials.issueIfNone(core: core))
            let wiring = ServerWiring(core: core, logger: logger)
            let transport = InProcessTransport()
            let server = RPCServer(transport: transport.server, router: wiring.router, interceptors: wiring.interceptors)
            let client = RPCClient(transport: transport.client)
            group.addTask { try await server.serve() }
            group.addTask { try await client.runConnections() }
            group.addTask { await core.followCredentials() }
            let harness = AccessHarness(
                core: core, router: wiring.router, client: client, folder: folder,
                tokens: Dictionary(uniqueKeysWithValues: issued.map { answer in
                    let c = answer.credential ?? Credential()
                    return ("\(c.role.callerName)/\(c.principalId)", answer.token)
                }),
                credentials: issued.compactMap(\.credential))
            do {
                let result = try await body(harness)
                client.beginGracefulShutdown()
                server.beginGracefulShutdown()
                group.cancelAll()
                return result
            } catch {
                client.beginGracefulShutdown()
                server.beginGracefulShutdown()
                group.cancelAll()
                throw error
            }
        }
    }

    /// The server's access interceptor over other declared roles.
    func accessInterceptor(roles: [String: MethodRoles]) -> AccessInterceptor {
        AccessInterceptor(book: core.credentials, roles: roles, limiter: RateLimiter(), refusals: core.refusals)
    }


    /// Refused calls audited after `sequence`.
    func refusals(after sequence: Int64) async throws -> [AuditEvent] {
        try await core.store.logEntries(after: sequence, subjectKind: .call, limit: 1_000).map(\.entry.event)
    }

    /// The log's entries after `sequence` that are not refusals.
    func changes(after sequence: Int64) async throws -> [AuditEvent] {
        var query = EventQuery()
        query.afterSequence = sequence
        query.limit = 1_000
        return try await core.store.events(query).filter { $0.subjectKind != .call }
    }

    /// Calls `descriptor` with `body` as its one request (none for client streams is
    /// sent as one), reading no further than the response's start: the status code
    /// the call got, OK when it was let through and answered.
    func call(_ descriptor: MethodDescriptor, body: [UInt8] = [], metadata: Metadata) async -> RPCError.Code? {
        let identity: @Sendable ([UInt8]) throws -> [UInt8] = { $0 }
        do {
            switch descriptor.kind {
            case .unary:
                _ = try await client.unary(
                    request: body, metadata: metadata, descriptor: descriptor, serializer: identity, deserializer: identity,
                    options: Self.options)
            case .serverStreaming:
                try await client.serverStreaming(
                    request: body, metadata: metadata, descriptor: descriptor, serializer: identity, deserializer: identity,
                    options: Self.options) { _ in }
            case .clientStreaming:
                _ = try await client.clientStreaming(
                    metadata: metadata, descriptor: descriptor, serializer: identity, deserializer: identity,
                    options: Self.options) { writer in try await writer.write(body) }
            case .bidirectionalStreaming:
                try await client.bidirectionalStreaming(
                    metadata: metadata, descriptor: descriptor, serializer: identity, deserializer: identity,
                    options: Self.options, requestProducer: { writer in try await writer.write(body) }) { _ in }
            }
            return nil
        } catch {
            return RPCError(converting: error).code
        }
    }
}
