#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import ProtoWire
import Synchronization

/// The one source of time of the server: read once per call and passed down as
/// the call's `now` (PolicyCore takes it as a parameter). The wall clock in
/// production; a manual or file clock in tests, so that they cross 72 hours or
/// 365 days without sleeping. Whole seconds: decisions never depend on sub-second time.
public protocol ServiceClock: Sendable {
    func now() -> ProtoTimestamp
}

/// The system's wall clock, in whole seconds.
public struct WallClock: ServiceClock {
    public init() {}

    public func now() -> ProtoTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return ProtoTimestamp(seconds: Int64(spec.tv_sec), nanos: 0)
    }
}

/// A clock that moves only when told to.
public final class ManualClock: ServiceClock {
    private let time: Mutex<ProtoTimestamp>

    public init(_ start: ProtoTimestamp) {
        time = Mutex(start)
    }

    public func now() -> ProtoTimestamp { time.withLock { $0 } }

    public func set(_ time: ProtoTimestamp) { self.time.withLock { $0 = time } }

    public func advance(seconds: Int64) { time.withLock { $0 = ProtoTimestamp(seconds: $0.seconds + seconds, nanos: 0) } }
}

/// A clock read from a file holding an RFC 3339 time or seconds since the epoch:
/// for tests of a real server process, which move its time by writing the file.
/// Never for production (the server logs a warning when it is used).
public final class FileClock: ServiceClock {
    public let path: String
    private let last: Mutex<ProtoTimestamp>

    /// Fails when the file cannot be read as a time.
    public init(path: String) throws {
        self.path = path
        guard let first = Self.read(path) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
        }
        last = Mutex(first)
    }

    public func now() -> ProtoTimestamp {
        // A file being rewritten may read empty for a moment: keep the last good time.
        if let time = Self.read(path) { last.withLock { $0 = time } }
        return last.withLock { $0 }
    }

    static func read(_ path: String) -> ProtoTimestamp? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if let seconds = Int64(text) { return ProtoTimestamp(seconds: seconds, nanos: 0) }
        guard let (seconds, _) = RFC3339.parse(text) else { return nil }
        return ProtoTimestamp(seconds: seconds, nanos: 0)
    }
}
