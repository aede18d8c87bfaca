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

/// Times `body` (one operation) in batches of about `batchNanoseconds`,
/// `repeats` times, after a warm-up; returns ns/op per repeat.
public func measure(_ name: String, repeats: Int = 15, batchNanoseconds: UInt64 = 30_000_000,
                    _ body: @escaping () -> Void) -> Measurement {
    measureInterleaved([(name, body)], repeats: repeats, batchNanoseconds: batchNanoseconds).results[0]
}

/// Times several cases round-robin: each repeat runs one batch of every case
/// in turn, so a burst of noise on the machine hits all of them alike.
/// Returns ns/op samples per case and, per case, the median over repeats of
/// its time divided by the first case's time in the same repeat.
public func measureInterleaved(_ cases: [(String, () -> Void)], repeats: Int = 15,
                               batchNanoseconds: UInt64 = 30_000_000) -> (results: [Measurement], ratios: [Double]) {
    let sized = cases.map { name, body -> (String, () -> Void, Int) in
        var iterations = 1
        while true {
            let start = nowNanoseconds()
            for _ in 0..<iterations { body() }
            let elapsed = nowNanoseconds() - start
            if elapsed > batchNanoseconds / 4 {
                return (name, body, max(1, Int(Double(iterations) * Double(batchNanoseconds) / Double(elapsed))))
            }
            iterations *= 2
        }
    }
    var samples = [[Double]](repeating: [], count: cases.count)
    for _ in 0..<repeats {
        for (i, (_, body, iterations)) in sized.enumerated() {
            let start = nowNanoseconds()
            for _ in 0..<iterations { body() }
            samples[i].append(Double(nowNanoseconds() - start) / Double(iterations))
        }
    }
    let ratios = samples.map { row in
        let r = zip(row, samples[0]).map { $0 / $1 }.sorted()
        return r[r.count / 2]
    }
    return (zip(cases, samples).map { Measurement(name: $0.0.0, samples: $0.1) }, ratios)
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
