import Foundation
import ProtectionMessages
import ProtectionServices
import ProtoWire
import RPCCore
import RPCTransportTCP
import Synchronization
import Testing

/// A real `protection-server` process on a temporary data directory, its time read
/// from a file the test writes: tests cross 72 hours or 365 days without sleeping.
final class ServerProcess: Sendable {
    let dataDirectory: URL
    let clockFile: URL
    private let state = Mutex<(process: Process, port: Int, log: URL)?>(nil)
    private let metrics = Mutex<Int?>(nil)
    /// Tokens of the principals tests call as, issued once per data directory.
    private let tokens = Mutex<[String: String]>([:])
    /// The latest start's log file, kept after it stops.
    private let logFile = Mutex<URL?>(nil)
    /// Serve Prometheus metrics too.
    let withMetrics: Bool

    /// The built server, beside the test bundle (`swift build --build-tests` builds both).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["PROTECTION_SERVER_BINARY"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("protection-server")
    }

    init(dataDirectory: URL, time: ProtoTimestamp, withMetrics: Bool = false) throws {
        self.dataDirectory = dataDirectory
        self.withMetrics = withMetrics
        clockFile = dataDirectory.appendingPathComponent("clock")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        setTime(time)
    }

    var port: Int { state.withLock { $0?.port ?? 0 } }

    /// The metrics endpoint's port, when served.
    var metricsPort: Int? { metrics.withLock { $0 } }

    /// The server's time from now on (the sweeper sees it within its interval).
    func setTime(_ time: ProtoTimestamp) {
        let temporary = clockFile.appendingPathExtension("new")
        try? Data("\(time.seconds)\n".utf8).write(to: temporary)
        _ = rename(temporary.path, clockFile.path)
    }

    /// Starts the server on a free port and waits until it listens.
    func start() async throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [
            "--port", "0", "--data-dir", dataDirectory.path, "--clock-file", clockFile.path, "--heartbeat-seconds", "1",
            "--sweep-interval-ms", "100", "--log-level", "info", "--drain-seconds", "5",
        ] + (withMetrics ? ["--metrics-port", "0"] : [])
        let output = Pipe()
        let log = dataDirectory.appendingPathComponent("server-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        var text = ""
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, process.isRunning {
            let data = output.fileHandleForReading.availableData
            text += String(decoding: data, as: UTF8.self)
            let lines = text.split(separator: "\n")
            let metricsLine = lines.first { $0.hasPrefix("metrics on ") }
            if let line = lines.first(where: { $0.hasPrefix("listening on ") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) }), !withMetrics || metricsLine != nil
            {
                metrics.withLock { $0 = metricsLine?.split(separator: ":").last.flatMap { Int($0) } }
                state.withLock { $0 = (process, port, log) }
                logFile.withLock { $0 = log }
                return
            }
            if data.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        process.terminate()
        let errors = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw ServerProcessError(message: "protection-server did not start: \(text) \(errors)")
    }

    /// SIGTERM; the server drains and must exit 0.
    func stop() async throws {
        guard let (process, _, log) = state.withLock({ $0 }) else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        state.withLock { $0 = nil }
        guard !process.isRunning, process.terminationStatus == 0 else {
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            let errors = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw ServerProcessError(message: "protection-server did not drain and exit 0: \(errors)")
        }
    }

    /// What the server logged so far (the latest start, running or stopped).
    var log: String {
        guard let log = logFile.withLock({ $0 }) else { return "" }
        return (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }

    func kill() {
        if let process = state.withLock({ $0?.process }), process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

struct ServerProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension ServerProcess {
    /// The server and clients of the running test, for ``Principal/metadata``.
    @TaskLocal static var current: (server: ServerProcess, clients: Clients)?

    /// The development credentials the server wrote on its first start.
    var developmentCredentials: [(role: String, principal: String, credential: String, token: String)] {
        get throws {
            let data = try Data(contentsOf: dataDirectory.appendingPathComponent("credentials.json"))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let list = try #require(json["credentials"] as? [[String: String]])
            return list.map { ($0["role"] ?? "", $0["principal_id"] ?? "", $0["credential_id"] ?? "", $0["token"] ?? "") }
        }
    }

    /// A token of `principal`: a development credential's, or one the development
    /// admin issues through AccessService/IssueToken.
    func token(for principal: Principal, clients: Clients) async throws -> String {
        let key = "\(principal.role)/\(principal.id)"
        if let known = tokens.withLock({ $0[key] }) { return known }
        let development = try developmentCredentials
        let token: String
        if let found = development.first(where: { $0.role == principal.role && $0.principal == principal.id }) {
            token = found.token
        } else {
            let admin = try #require(development.first { $0.role == "admin" })
            var request = IssueTokenRequest()
            request.idempotencyKey = "test-\(key)"
            request.role = try #require(Role(protoName: "ROLE_" + principal.role.uppercased()))
            request.principalId = principal.id
            token = try await clients.access.issueToken(
                request, metadata: try Metadata([("authorization", "Bearer \(admin.token)")]), options: callOptions
            ).token
        }
        tokens.withLock { $0[key] = token }
        return token
    }
}

/// A caller: the principal whose token a call carries.
struct Principal: Sendable {
    let role: String
    let id: String

    /// The call metadata carrying the principal's bearer token, on the test's server.
    var metadata: Metadata {
        get async throws {
            let (server, clients) = try #require(ServerProcess.current, "no server in this task")
            return try Metadata([("authorization", "Bearer \(try await server.token(for: self, clients: clients))")])
        }
    }

    static func merchant(_ id: String) -> Principal { Principal(role: "merchant", id: id) }
    static func buyer(_ id: String) -> Principal { Principal(role: "buyer", id: id) }
    static let reviewer = Principal(role: "reviewer", id: "reviewer-1")
    static let service = Principal(role: "internal_service", id: "order-service")
    static let admin = Principal(role: "admin", id: "admin-1")
}

/// Generated clients of one server, one call's worth of helpers each.
struct Clients: Sendable {
    let base: RPCClient
    var integrity: IntegrityService.Client { IntegrityService.Client(base) }
    var merchants: MerchantService.Client { MerchantService.Client(base) }
    var disputes: DisputeService.Client { DisputeService.Client(base) }
    var insurance: ReturnInsuranceService.Client { ReturnInsuranceService.Client(base) }
    var priceErrors: PriceErrorService.Client { PriceErrorService.Client(base) }
    var rules: RuleSetService.Client { RuleSetService.Client(base) }
    var facts: FactsService.Client { FactsService.Client(base) }
    var audit: AuditService.Client { AuditService.Client(base) }
    var clock: ClockService.Client { ClockService.Client(base) }
    var access: AccessService.Client { AccessService.Client(base) }
}

let callOptions = CallOptions(timeout: .seconds(30), waitForReady: true)

/// Runs `body` against a fresh server process whose time starts at `time`; stops it
/// afterwards (and fails when it does not drain cleanly).
func withServer<T: Sendable>(
    at time: ProtoTimestamp, _ body: @Sendable (ServerProcess, Clients) async throws -> T
) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try ServerProcess(dataDirectory: folder, time: time)
    try await server.start()
    do {
        let result = try await withClients(of: server, body)
        try await server.stop()
        return result
    } catch {
        Issue.record("server log:\n\(server.log.suffix(4_000))")
        server.kill()
        throw error
    }
}

/// Runs `body` with clients of the running `server`.
func withClients<T: Sendable>(of server: ServerProcess, _ body: @Sendable (ServerProcess, Clients) async throws -> T) async throws -> T {
    let client = RPCClient(transport: TCPClientTransport(configuration: .init(host: "127.0.0.1", port: server.port)))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await client.runConnections() }
        defer { client.beginGracefulShutdown() }
        let clients = Clients(base: client)
        return try await ServerProcess.$current.withValue((server, clients)) { try await body(server, clients) }
    }
}
