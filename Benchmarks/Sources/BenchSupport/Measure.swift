#if canImport(Glibc)
import Glibc
#endif

/// Monotonic nanoseconds.
@inline(__always)
public func nowNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Keeps a value alive and opaque to the optimiser.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// The result of timing one case: nanoseconds per operation over several repeats.
public struct Measurement: Sendable {
    public var name: String
    /// ns/op of each repeat, sorted.
    public var samples: [Double]
    public var median: Double { samples[samples.count / 2] }
    /// (max - min) / median, the run-to-run spread within this run.
    public var spread: Double { (samples.last! - samples.first!) / median }

    public init(name: String, samples: [Double]) {
        self.name = name
        self.samples = samples.sorted()
    }
}

/// Times `body` (one operation) in batches of about `batchNanoseconds`, `repeats`
/// times, after a warm-up; returns ns/op per repeat.
public func measure(_ name: String, repeats: Int = 9, batchNanoseconds: UInt64 = 60_000_000,
                    _ body: () -> Void) -> Measurement {
    // Warm up and size the batch.
    var iterations = 1
    while true {
        let start = nowNanoseconds()
        for _ in 0..<iterations { body() }
        let elapsed = nowNanoseconds() - start
        if elapsed > batchNanoseconds / 4 {
            iterations = max(1, Int(Double(iterations) * Double(batchNanoseconds) / Double(elapsed)))
            break
        }
        iterations *= 2
    }
    var samples: [Double] = []
    for _ in 0..<repeats {
        let start = nowNanoseconds()
        for _ in 0..<iterations { body() }
        samples.append(Double(nowNanoseconds() - start) / Double(iterations))
    }
    return Measurement(name: name, samples: samples)
}

/// "1,234" style integers for tables.
public func grouped(_ value: Double) -> String {
    let digits = String(Int(value.rounded()))
    var out = ""
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 && c != "-" { out.append(",") }
        out.append(c)
    }
    return String(out.reversed())
}

public func fixed(_ value: Double, _ decimals: Int) -> String {
    var p = 1.0
    for _ in 0..<decimals { p *= 10 }
    let r = (value * p).rounded() / p
    var s = String(r)
    if let dot = s.firstIndex(of: ".") {
        let have = s.distance(from: dot, to: s.endIndex) - 1
        if have < decimals { s += String(repeating: "0", count: decimals - have) }
    } else if decimals > 0 {
        s += "." + String(repeating: "0", count: decimals)
    }
    return s
}
