import ArgumentParser
import Foundation
import Logging
import ProtectionMessages
import ProtectionServer
import ProtectionServices
import ProtectionStore
import RPCCore

/// `protection-server tokens ...`: bearer tokens on a data directory, while the
/// server runs or not (a running server sees the change within a second). The same
/// functions as the AccessService rpcs, audited as the local user.
struct Tokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue, list, rotate and revoke the bearer tokens of a data directory.",
        subcommands: [Issue.self, List.self, Rotate.self, Revoke.self])

    struct Options: ParsableArguments {
        @Option(help: "Folder of the service's data (the SQLite database).") var dataDir = "./.protection"
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a token; prints it once.")
        @OptionGroup var options: Options
        @Option(help: "merchant, buyer, reviewer, internal_service or admin.") var role: String
        @Option(help: "The principal the token's calls act as.") var principal: String
        @Option(help: "What the token is for.") var label = ""

        func run() async throws {
            guard let role = Role(callerName: role), AccessHandler.roles.contains(role) else {
                throw ValidationError("'\(role)' is not a role: merchant, buyer, reviewer, internal_service or admin.")
            }
            var request = IssueTokenRequest()
            request.idempotencyKey = UUID().uuidString
            request.role = role
            request.principalId = principal
            request.label = label
            let answer = try await Tokens.withHandler(options) { [request] handler, context in
                try await handler.issueToken(request, context: context(AccessService.Method.issueToken))
            }
            print(Tokens.line(answer.credential ?? Credential()))
            print("token: \(answer.token)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List credentials (never a token).")
        @OptionGroup var options: Options

        func run() async throws {
            let credentials = try await Tokens.withHandler(options) { handler, context in
                var all: [Credential] = []
                var request = ListTokensRequest()
                repeat {
                    let page = try await handler.listTokens(request, context: context(AccessService.Method.listTokens))
                    all += page.credentials
                    request.page = PageQuery()
                    request.page?.pageToken = page.page?.nextPageToken ?? ""
                } while !(request.page?.pageToken.isEmpty ?? true)
                return all
            }
            credentials.forEach { print(Tokens.line($0)) }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a credential's token; prints the new one once.")
        @OptionGroup var options: Options
        @Argument(help: "The credential id.") var credentialID: String

        func run() async throws {
            var request = RotateTokenRequest()
            request.idempotencyKey = UUID().uuidString
            request.credentialId = credentialID
            let answer = try await Tokens.withHandler(options) { [request] handler, context in
                try await handler.rotateToken(request, context: context(AccessService.Method.rotateToken))
            }
            print(Tokens.line(answer.rotated ?? Credential()))
            print(Tokens.line(answer.credential ?? Credential()))
            print("token: \(answer.token)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a credential.")
        @OptionGroup var options: Options
        @Argument(help: "The credential id.") var credentialID: String
        @Option(help: "Why.") var reason = ""

        func run() async throws {
            var request = RevokeTokenRequest()
            request.idempotencyKey = UUID().uuidString
            request.credentialId = credentialID
            request.reason = reason
            let answer = try await Tokens.withHandler(options) { [request] handler, context in
                try await handler.revokeToken(request, context: context(AccessService.Method.revokeToken))
            }
            print(Tokens.line(answer.credential ?? Credential()))
        }
    }

    /// One credential per line: id, state, role, principal, label.
    static func line(_ c: Credential) -> String {
        let state = String((c.state.protoName ?? "").dropFirst("CREDENTIAL_STATE_".count)).lowercased()
        return [c.credentialId, state, c.role.callerName, c.principalId, c.label].joined(separator: "  ")
    }

    /// Runs `body` with the access handler on the data directory's store, calling as
    /// the local user in the admin role; refusals print as errors.
    static func withHandler<T: Sendable>(
        _ options: Options,
        _ body: @escaping @Sendable (AccessHandler, @Sendable (MethodDescriptor) -> ServerContext) async throws -> T
    ) async throws -> T {
        let directory = DataDirectory(options.dataDir)
        guard FileManager.default.fileExists(atPath: directory.databasePath) else {
            throw ValidationError(
                "No store at \(directory.databasePath): start protection-server once on this data directory, "
                    + "or give --data-dir.")
        }
        let store = try directory.openStore()
        var logger = Logger(label: "protection-server tokens")
        logger.logLevel = .warning
        let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await store.run()
                return nil
            }
            defer { store.close() }
            do {
                var configuration = ServerCore.Configuration()
                configuration.loadsSanctionIndex = false
                let core = try await ServerCore.open(
                    store: store, clock: WallClock(), logger: logger, configuration: configuration)
                return try await body(AccessHandler(core: core)) { method in
                    DevelopmentCredentials.localContext(method, as: .admin, id: "local:\(user)")
                }
            } catch let error as RPCError {
                throw ValidationError("\(error.code): \(error.message)")
            }
        }
    }
}
