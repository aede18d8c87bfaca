// Server: the whole service (store, policy core, index) over TCP, each server a
// child process (this binary, `serve DIR`); this process is the client.
//
// 1. Durable filings per second: 64 clients over TCP, each with its own
//    connection, filing complaints back to back; against single-row inserts with
//    a commit each through the sqlite3 command line on the same disk, with the
//    same PRAGMAs (WAL, synchronous=FULL) and row size, in the same run. The
//    server's fsyncs are counted with strace while it files.
// 2. CheckOrderAllowed with a million buyers indexed, against an empty unary
//    call on the same server (through the same interceptors); the server's
//    memory with and without them.
//
//   swift run -c release Server [--buyers 1000000] [--seconds 3] [--repeats 3] [--dir /tmp/protection-bench]
import BenchSupport
import Foundation
import ProtectionMessages
import ProtectionServices
import RPCCore
import RPCTransportTCP

let arguments = Array(CommandLine.arguments.dropFirst())

if arguments.first == "seed", arguments.count == 3 {
    try await seed(directory: arguments[1], buyers: Int(arguments[2])!)
    exit(0)
}
if arguments.first == "serve", arguments.count == 2 {
    let watcher = Thread {
        while readLine() != nil {}
        exit(0)
    }
    watcher.start()
    try await serve(directory: arguments[1]) { port in
        print("PORT \(port)")
        fflush(nil)
    }
    exit(0)
}

@MainActor func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

let buyers = Int(option("--buyers") ?? "1000000")!
let seconds = Double(option("--seconds") ?? "3")!
let repeats = Int(option("--repeats") ?? "3")!
let root = option("--dir") ?? "/tmp/protection-bench"
let only = option("--only")  // filings or checks
let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]

/// Runs this binary with `arguments`; returns when it exits (status 0 required).
func child(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: me)
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "\(arguments) failed")
}

/// A server child on a data directory; exits when its stdin closes.
final class ServerChild: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    var port = 0

    /// Where strace writes its count of the child's syncs, when traced.
    let syncCounts: String?

    /// A server child; `countingSyncs` runs it under strace, stopping only on fsync
    /// and fdatasync (seccomp-bpf), which counts them at next to no cost.
    init(directory: String, countingSyncs: Bool = false) throws {
        if countingSyncs {
            syncCounts = FileManager.default.temporaryDirectory.appendingPathComponent("strace-\(UUID().uuidString)").path
            process.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
            process.arguments = [
                "-f", "--seccomp-bpf", "-c", "-e", "trace=fsync,fdatasync", "-o", syncCounts!, me, "serve", directory,
            ]
        } else {
            syncCounts = nil
            process.executableURL = URL(fileURLWithPath: me)
            process.arguments = ["serve", directory]
        }
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            precondition(!chunk.isEmpty, "the server child exited")
            line.append(chunk)
        }
        port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(5))!
        let tokens = try Data(contentsOf: URL(fileURLWithPath: directory + "/tokens.json"))
        benchTokens.merge(try JSONDecoder().decode([String: String].self, from: tokens)) { $1 }
    }

    var pid: Int32 { process.processIdentifier }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// The fsync and fdatasync calls strace counted over the child's life.
    var syncs: Int {
        let text = syncCounts.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        return text.split(separator: "\n").filter { $0.hasSuffix("fsync") || $0.hasSuffix("fdatasync") }
            .compactMap { line in line.split(separator: " ", omittingEmptySubsequences: true).dropLast().last.flatMap { Int($0) } }
            .reduce(0, +)
    }
}

/// The bearer tokens the server children issued (`tokens.json` of their data directory).
nonisolated(unsafe) var benchTokens: [String: String] = [:]

func metadata(_ role: String, _ id: String) -> Metadata {
    try! Metadata([("authorization", "Bearer \(benchTokens["\(role)/\(id)"]!)")])
}

/// Runs `body` with `count` clients of `port`, each on its own connection.
func withClients<T: Sendable>(port: Int, count: Int, _ body: @Sendable ([RPCClient]) async throws -> T) async throws -> T {
    let clients = (0..<count).map { _ in RPCClient(transport: TCPClientTransport(configuration: .init(host: "127.0.0.1", port: port))) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for client in clients { group.addTask { try await client.runConnections() } }
        defer { clients.forEach { $0.beginGracefulShutdown() } }
        return try await body(clients)
    }
}

/// `loops` tasks calling back to back until `deadline`; the number of calls made.
func drive(loops: Int, until deadline: UInt64, _ call: @escaping @Sendable (Int, Int) async throws -> Void) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        for loop in 0..<loops {
            group.addTask {
                var count = 0
                while nowNanoseconds() < deadline {
                    try await call(loop, count)
                    count += 1
                }
                return count
            }
        }
        return try await group.reduce(0, +)
    }
}

// MARK: Seeding (once per directory)

for (name, count) in [("base", 0), ("full", buyers)] {
    let directory = "\(root)/\(name)"
    let marker = "\(directory)/seeded-\(count)"
    if !FileManager.default.fileExists(atPath: marker) {
        let start = nowNanoseconds()
        try child(["seed", directory, "\(count)"])
        FileManager.default.createFile(atPath: marker, contents: nil)
        print("seeded \(name): \(merchantCount * ordersPerMerchant) orders of \(merchantCount) merchants, \(grouped(Double(count))) buyers under a store limit, in \(fixed(Double(nowNanoseconds() - start) / 1e9, 1)) s")
    }
}

// MARK: 1. Durable filings

struct FilingResult {
    var rates: [Double]
    var syncsPerFiling: Double
    var rowBytes: Int
    var singleCommitRates: [Double]
}

func filingBenchmark() async throws -> FilingResult {
    // A copy of the base store, so that every run files on the same data.
    let filingDirectory = "\(root)/filing-\(getpid())"
    try? FileManager.default.removeItem(atPath: filingDirectory)
    try FileManager.default.copyItem(atPath: "\(root)/base", toPath: filingDirectory)
    let filer = try ServerChild(directory: filingDirectory, countingSyncs: true)
    print("filing server pid \(filer.pid), port \(filer.port)")
    let request: @Sendable (Int) -> FileComplaintRequest = { n in
        var request = FileComplaintRequest()
        request.idempotencyKey = "bench-\(n)"
        request.orderId = "O-\(n % merchantCount)-\(n / merchantCount)"
        request.details = .fakeReturn(FakeReturnDetails())
        var weights = EvidenceItem()
        weights.payload = .weightRecord(WeightRecordEvidence())
        var logistics = EvidenceItem()
        logistics.payload = .logisticsRecord(LogisticsRecordEvidence())
        request.evidence = [weights, logistics]
        request.statement = "The returned parcel was empty."
        return request
    }
    let next = SharedCounter()
    let rates = try await withClients(port: filer.port, count: 64) { clients -> [Double] in
        @Sendable func file(_ loop: Int) async throws {
            let n = next.take()
            _ = try await IntegrityService.Client(clients[loop]).fileComplaint(
                request(n), metadata: metadata("merchant", "M-\(n % merchantCount)"))
        }
        _ = try await drive(loops: 64, until: nowNanoseconds() + 500_000_000) { loop, _ in try await file(loop) }
        var rates: [Double] = []
        for r in 0..<repeats {
            let start = nowNanoseconds()
            let filed = try await drive(loops: 64, until: start + UInt64(seconds * 1e9)) { loop, _ in try await file(loop) }
            let rate = Double(filed) / (Double(nowNanoseconds() - start) / 1e9)
            rates.append(rate)
            print("  repeat \(r + 1): \(grouped(rate)) filings/s")
            fflush(nil)
        }
        return rates
    }
    filer.stop()
    let filings = next.take()
    print("  \(filer.syncs) fsyncs over the server's life for \(filings) acknowledged filings")

    // The row size of one filing: its log entry, its row and its kept answer, as stored.
    let database = "\(filingDirectory)/protection.sqlite"
    let rowBytes = Int(
        try sqliteValue(database, "SELECT avg(length(event) + length(record)) FROM event_log WHERE subject_kind = 1")
            + sqliteValue(database, "SELECT avg(length(body)) FROM complaints")
            + sqliteValue(database, "SELECT avg(length(response)) FROM idempotency"))
    try? FileManager.default.removeItem(atPath: filingDirectory)

    // The baseline: one row per transaction through the sqlite3 command line.
    let inserts = 5_000
    var single: [Double] = []
    for _ in 0..<repeats {
        let directory = "\(root)/sqlite3-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var script = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\nCREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB);\n"
        script += String(repeating: "INSERT INTO t (body) VALUES (randomblob(\(rowBytes)));\n", count: inserts)
        let path = "\(directory)/script.sql"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "/usr/bin/sqlite3 \(directory)/bench.db < \(path) > /dev/null"]
        let start = nowNanoseconds()
        try process.run()
        process.waitUntilExit()
        single.append(Double(inserts) / (Double(nowNanoseconds() - start) / 1e9))
        try? FileManager.default.removeItem(atPath: directory)
    }
    return FilingResult(rates: rates, syncsPerFiling: Double(filer.syncs) / Double(filings), rowBytes: rowBytes, singleCommitRates: single)
}

/// One value a query of the sqlite3 command line prints.
func sqliteValue(_ database: String, _ query: String) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [database, query]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    return Double(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
}

// MARK: 2. The order check with a million buyers indexed

enum Check: String, CaseIterable, Sendable {
    case empty = "empty unary call"
    case restricted = "CheckOrderAllowed, buyer under a store limit there"
    case allowed = "CheckOrderAllowed, buyer with nothing against them"
}

struct CheckResult {
    var rates: [Int: [Check: [Double]]]
    var baseKiB: Int
    var fullKiB: Int
}

func checkBenchmark() async throws -> CheckResult {
    let base = try ServerChild(directory: "\(root)/base")
    try await Task.sleep(for: .seconds(1))
    let baseKiB = residentKiB(base.pid)
    base.stop()
    let full = try ServerChild(directory: "\(root)/full")
    try await Task.sleep(for: .seconds(1))
    let fullKiB = residentKiB(full.pid)
    print("check server pid \(full.pid): \(grouped(Double(fullKiB))) KiB resident with \(grouped(Double(buyers))) buyers indexed, \(grouped(Double(baseKiB))) KiB without")
    let service = metadata("internal_service", "order-service")
    let rates = try await withClients(port: full.port, count: 1) { clients -> [Int: [Check: [Double]]] in
        var rates: [Int: [Check: [Double]]] = [:]
        let client = clients[0]
        let integrity = IntegrityService.Client(client)
        @Sendable func call(_ check: Check, _ n: Int) async throws {
            switch check {
            case .empty:
                _ = try await client.unary(
                    request: [UInt8](), metadata: service, descriptor: emptyMethod, serializer: { $0 }, deserializer: { $0 })
            case .restricted, .allowed:
                var request = CheckOrderAllowedRequest()
                request.buyerId = check == .restricted ? "B-\((n &* 7_919) % max(buyers, 1))" : "B-none-\(n)"
                request.merchantId = "M-0"
                let answer = try await integrity.checkOrderAllowed(request, metadata: service)
                precondition(answer.check!.allowed == (check == .allowed || buyers == 0))
            }
        }
        for inFlight in [1, 64] {
            for check in Check.allCases {
                _ = try await drive(loops: inFlight, until: nowNanoseconds() + 300_000_000) { _, n in try await call(check, n) }
            }
            for r in 0..<repeats {
                for check in (0..<3).map({ Check.allCases[($0 + r) % 3] }) {
                    let start = nowNanoseconds()
                    let calls = try await drive(loops: inFlight, until: start + UInt64(seconds * 1e9)) { loop, n in
                        try await call(check, loop * 1_000_000 + n)
                    }
                    let rate = Double(calls) / (Double(nowNanoseconds() - start) / 1e9)
                    rates[inFlight, default: [:]][check, default: []].append(rate)
                    print("  \(inFlight) in flight, \(check.rawValue): \(grouped(rate)) calls/s")
                    fflush(nil)
                }
            }
        }
        return rates
    }
    full.stop()
    return CheckResult(rates: rates, baseKiB: baseKiB, fullKiB: fullKiB)
}

// MARK: Results

let filing = only == nil || only == "filings" ? try await filingBenchmark() : nil
let checks = only == nil || only == "checks" ? try await checkBenchmark() : nil
print("")
print("| measure | value |")
print("| --- | ---: |")
if let filing {
    let rate = median(filing.rates)
    let single = median(filing.singleCommitRates)
    print("| durable filings/s, 64 clients over TCP (median of \(repeats) × \(fixed(seconds, 0)) s) | \(grouped(rate)) |")
    print("| single-row commits/s, sqlite3 CLI, WAL + synchronous=FULL, \(filing.rowBytes)-byte rows | \(grouped(single)) |")
    print("| filings per single commit | \(fixed(rate / single, 2)) |")
    print("| fsyncs per acknowledged filing | \(fixed(filing.syncsPerFiling, 3)) |")
}
if let checks {
    for inFlight in [1, 64] {
        for check in Check.allCases {
            print("| \(check.rawValue), \(inFlight) in flight, calls/s | \(grouped(median(checks.rates[inFlight]![check]!))) |")
        }
        let empty = median(checks.rates[inFlight]![.empty]!)
        print("| restricted check ÷ empty call, \(inFlight) in flight | \(fixed(median(checks.rates[inFlight]![.restricted]!) / empty, 2)) |")
        print("| allowed check ÷ empty call, \(inFlight) in flight | \(fixed(median(checks.rates[inFlight]![.allowed]!) / empty, 2)) |")
    }
    print("| server RSS with \(grouped(Double(buyers))) buyers indexed, MiB | \(fixed(Double(checks.fullKiB) / 1024, 1)) |")
    print("| of which the index (RSS with minus without), bytes per buyer | \(grouped(Double(checks.fullKiB - checks.baseKiB) * 1024 / Double(max(buyers, 1)))) |")
}
print("")
if let filing {
    let ratio = median(filing.rates) / median(filing.singleCommitRates)
    print("- Bar, durable filings ≥ 5 × single commits: \(ratio >= 5 ? "met" : "**missed**") (\(fixed(ratio, 2))×).")
}
if let checks {
    let worst = [1, 64].map { inFlight in
        median(checks.rates[inFlight]![.restricted]!) / median(checks.rates[inFlight]![.empty]!)
    }.min()!
    print("- Bar, CheckOrderAllowed ≥ 80% of the empty call: \(worst >= 0.8 ? "met" : "**missed**") (worst \(fixed(worst * 100, 0))%).")
}

/// A counter shared by the filing loops: each filing takes the next order.
final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
