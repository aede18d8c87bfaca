import Foundation

/// A server in a child process: this same binary started with `serve <subject>`.
/// It prints its port on stdout and exits when its stdin closes.
final class ServerProcess: @unchecked Sendable {
    let subject: Subject
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private(set) var port = 0

    init(_ subject: Subject) throws {
        self.subject = subject
        process.executableURL = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        process.arguments = ["serve", subject.rawValue]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw ProcessError.exited(subject.rawValue) }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else { throw ProcessError.badHello(text) }
        self.port = port
    }

    var pid: Int32 { process.processIdentifier }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

enum ProcessError: Error {
    case exited(String)
    case badHello(String)
}

/// In the child: serves `subject`, prints `PORT n`, exits when stdin reaches EOF.
func runServerChild(_ subject: Subject) async throws {
    let watcher = Thread {
        while readLine() != nil {}
        exit(0)
    }
    watcher.start()
    try await subject.serve { port in
        print("PORT \(port)")
        fflush(nil)
    }
}

/// Voluntary plus involuntary context switches of every thread of `pid` so far.
func contextSwitches(_ pid: Int32) -> Int {
    let dir = "/proc/\(pid)/task"
    guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return 0 }
    var total = 0
    for task in tasks {
        guard let status = try? String(contentsOfFile: "\(dir)/\(task)/status", encoding: .utf8) else { continue }
        for line in status.split(separator: "\n")
        where line.hasPrefix("voluntary_ctxt_switches") || line.hasPrefix("nonvoluntary_ctxt_switches") {
            total += Int(line.split(separator: "\t").last!.trimmingCharacters(in: .whitespaces)) ?? 0
        }
    }
    return total
}

/// A value shared with a closure that may run on another thread.
final class SharedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
