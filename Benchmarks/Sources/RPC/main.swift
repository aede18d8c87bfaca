// RPC: our TCP transport, grpc-swift-2 over HTTP/2 and a bare SwiftNIO echo
// server, side by side on loopback over one connection. Each server runs in a
// child process (this binary, `serve <subject>`); this process is the client.
//
//   swift run -c release RPC [--only ours,grpc,echo] [--seconds 2] [--repeats 5]
//                            [--inflight 1,64] [--connections 1000] [--no-memory]
import BenchSupport
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())

if arguments.first == "serve" {
    guard arguments.count == 2, let subject = Subject(rawValue: arguments[1]) else {
        FileHandle.standardError.write("usage: RPC serve ours|grpc|echo\n".data(using: .utf8)!)
        exit(2)
    }
    try await runServerChild(subject)
    exit(0)
}

@MainActor func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

let subjects = (option("--only") ?? "ours,grpc,echo").split(separator: ",").map { name -> Subject in
    guard let s = Subject(rawValue: String(name)) else { fatalError("unknown subject \(name)") }
    return s
}
let seconds = Double(option("--seconds") ?? "2")!
let repeats = Int(option("--repeats") ?? "5")!
let inFlightLevels = (option("--inflight") ?? "1,64").split(separator: ",").map { Int($0)! }
let connectionCount = Int(option("--connections") ?? "1000")!
let measureMemory = !arguments.contains("--no-memory")
let warmupSeconds = 0.5

print("request: FileComplaintRequest, \(Payloads.requestBytes.count) bytes encoded; "
    + "reply: FileComplaintResponse, \(Payloads.responseBytes.count) bytes encoded")
print("echo frames: \(Payloads.requestBytes.count + 4) bytes out, \(Payloads.responseBytes.count + 4) bytes back")

/// What one timed window measured.
struct Window {
    var callsPerSecond: Double
    var p50: Double  // µs
    var p99: Double  // µs
    var serverSwitchesPerCall: Double
    var clientSwitchesPerCall: Double
}

/// Runs `inFlight` loops making calls back to back until `deadline`; returns each loop's latencies (ns).
func drive(_ call: @escaping @Sendable () async throws -> Void, inFlight: Int, until deadline: UInt64) async throws -> [[UInt64]] {
    try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for _ in 0..<inFlight {
            group.addTask {
                var latencies: [UInt64] = []
                latencies.reserveCapacity(1 << 16)
                var t = nowNanoseconds()
                while t < deadline {
                    try await call()
                    let end = nowNanoseconds()
                    latencies.append(end - t)
                    t = end
                }
                return latencies
            }
        }
        var all: [[UInt64]] = []
        for try await l in group { all.append(l) }
        return all
    }
}

func measureWindow(_ server: ServerProcess, inFlight: Int, seconds: Double, warmup: Double) async throws -> Window {
    let serverPID = server.pid
    return try await server.subject.withClient(port: server.port) { call in
        _ = try await drive(call, inFlight: inFlight, until: nowNanoseconds() + UInt64(warmup * 1e9))
        let self_ = getpid()
        let serverBefore = contextSwitches(serverPID)
        let clientBefore = contextSwitches(self_)
        let start = nowNanoseconds()
        let loops = try await drive(call, inFlight: inFlight, until: start + UInt64(seconds * 1e9))
        let elapsed = Double(nowNanoseconds() - start) / 1e9
        let serverAfter = contextSwitches(serverPID)
        let clientAfter = contextSwitches(self_)
        let latencies = loops.flatMap { $0 }.sorted()
        let calls = Double(latencies.count)
        return Window(
            callsPerSecond: calls / elapsed,
            p50: Double(latencies[latencies.count / 2]) / 1000,
            p99: Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))]) / 1000,
            serverSwitchesPerCall: Double(serverAfter - serverBefore) / calls,
            clientSwitchesPerCall: Double(clientAfter - clientBefore) / calls)
    }
}

// Throughput and latency: every subject's server stays up; subjects take turns
// (round-robin, the order rotating each repeat) so drift in the machine's load
// hits them alike.
var servers: [Subject: ServerProcess] = [:]
for s in subjects { servers[s] = try ServerProcess(s) }
print("client pid \(getpid()); server pids: "
    + subjects.map { "\($0.rawValue) \(servers[$0]!.pid)" }.joined(separator: ", "))
fflush(nil)

var windows: [Subject: [Int: [Window]]] = [:]
for r in 0..<repeats {
    let order = (0..<subjects.count).map { subjects[($0 + r) % subjects.count] }
    for inFlight in inFlightLevels {
        for s in order {
            let w = try await measureWindow(servers[s]!, inFlight: inFlight, seconds: seconds, warmup: warmupSeconds)
            windows[s, default: [:]][inFlight, default: []].append(w)
            print("  repeat \(r + 1), \(s.rawValue), \(inFlight) in flight: \(grouped(w.callsPerSecond)) calls/s, "
                + "p50 \(fixed(w.p50, 1)) µs, p99 \(fixed(w.p99, 1)) µs, switches/call server "
                + "\(fixed(w.serverSwitchesPerCall, 2)) client \(fixed(w.clientSwitchesPerCall, 2))")
            fflush(nil)
        }
    }
}
for s in subjects { servers[s]!.stop() }

// Memory: a fresh server per subject, its RSS before and with idle connections.
var memory: [Subject: (before: Int, after: Int)] = [:]
if measureMemory {
    for s in subjects {
        let server = try ServerProcess(s)
        try await Task.sleep(for: .milliseconds(500))
        let before = residentKiB(server.pid)
        let after = SharedBox(0)
        try await s.holdConnections(port: server.port, count: connectionCount) {
            try await Task.sleep(for: .seconds(1))
            after.set(residentKiB(server.pid))
        }
        server.stop()
        memory[s] = (before, after.get())
        print("  memory, \(s.rawValue): \(grouped(Double(before))) KiB idle, \(grouped(Double(after.get()))) KiB "
            + "with \(grouped(Double(connectionCount))) connections")
        fflush(nil)
    }
}

// The table: one row per measure, one column per subject, then each subject's
// ratio to the bare echo (for window measures: the median over repeats of the
// per-repeat ratio, as the windows of one repeat ran back to back).
@MainActor func value(_ s: Subject, _ inFlight: Int, _ metric: (Window) -> Double) -> Double {
    median(windows[s]![inFlight]!.map(metric))
}
@MainActor func ratio(_ s: Subject, _ inFlight: Int, _ metric: (Window) -> Double) -> Double? {
    guard let echo = windows[.echo]?[inFlight] else { return nil }
    return median(zip(windows[s]![inFlight]!, echo).map { metric($0) / metric($1) })
}

let others = subjects.filter { $0 != .echo }
print("")
print("Loopback, one connection; \(repeats) repeats of \(fixed(seconds, 1)) s per subject and level, medians; "
    + "request \(Payloads.requestBytes.count) B, reply \(Payloads.responseBytes.count) B encoded.")
print("")
print("| measure | " + subjects.map(\.title).joined(separator: " | ") + " | "
    + (subjects.contains(.echo) ? others.map { "\($0.rawValue) × echo" }.joined(separator: " | ") + " |" : ""))
print("| --- |" + String(repeating: " ---: |", count: subjects.count + (subjects.contains(.echo) ? others.count : 0)))
let metrics: [(String, Int, (Window) -> Double)] = [
    ("calls/s", 0, \.callsPerSecond), ("p50 µs", 1, \.p50), ("p99 µs", 1, \.p99),
    ("context switches per call, server", 2, \.serverSwitchesPerCall),
    ("context switches per call, client", 2, \.clientSwitchesPerCall),
]
for inFlight in inFlightLevels {
    for (name, style, metric) in metrics {
        let format: (Double) -> String = { v in
            style == 0 || (style == 1 && v >= 1000) ? grouped(v) : fixed(v, style == 1 ? 1 : 2)
        }
        var cells = subjects.map { format(value($0, inFlight, metric)) }
        if subjects.contains(.echo) {
            cells += others.map { s in ratio(s, inFlight, metric).map { fixed($0, 2) } ?? "-" }
        }
        print("| \(name), \(inFlight) in flight | " + cells.joined(separator: " | ") + " |")
    }
}
if measureMemory {
    let per = { (s: Subject) in Double(memory[s]!.after - memory[s]!.before) / Double(connectionCount) }
    var cells = subjects.map { "\(fixed(per($0), 1))" }
    if subjects.contains(.echo) { cells += others.map { fixed(per($0) / per(.echo), 2) } }
    print("| server KiB per idle connection (RSS with \(grouped(Double(connectionCount))) minus without) | "
        + cells.joined(separator: " | ") + " |")
}
if subjects.contains(.ours), subjects.contains(.echo) {
    print("")
    if inFlightLevels.contains(64), let r = ratio(.ours, 64, \.callsPerSecond) {
        print("- Bar, 64 in flight, ours ≥ 50% of echo calls/s: \(r >= 0.5 ? "met" : "**missed**"), "
            + "\(fixed(r * 100, 0))% (\(grouped(value(.ours, 64, \.callsPerSecond))) vs "
            + "\(grouped(value(.echo, 64, \.callsPerSecond))) calls/s).")
    }
    if inFlightLevels.contains(1), let r = ratio(.ours, 1, \.p50) {
        print("- Bar, 1 in flight, ours p50 ≤ 2× echo p50: \(r <= 2 ? "met" : "**missed**"), "
            + "\(fixed(r, 2))× (\(fixed(value(.ours, 1, \.p50), 1)) vs \(fixed(value(.echo, 1, \.p50), 1)) µs).")
    }
}
