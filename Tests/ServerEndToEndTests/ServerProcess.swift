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

    /// What the server logged so far.
    var log: String {
        guard let log = state.withLock({ $0?.log }) else { return "" }
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

/// A caller: the metadata that names its principal.
struct Principal: Sendable {
    let role: String
    let id: String

    var metadata: Metadata { try! Metadata([("x-principal-role", role), ("x-principal-id", id)]) }

    static func merchant(_ id: String) -> Principal { Principal(role: "merchant", id: id) }
    static func buyer(_ id: String) -> Principal { Principal(role: "buyer", id: id) }
    static let reviewer = Principal(role: "reviewer", id: "rev-1")
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
        return try await body(server, Clients(base: client))
    }
}
