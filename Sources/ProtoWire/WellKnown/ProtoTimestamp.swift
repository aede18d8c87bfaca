/// `google.protobuf.Timestamp`: seconds and nanoseconds since the Unix epoch,
/// in JSON an RFC 3339 string in UTC ("2025-01-08T10:00:00.5Z").
public struct ProtoTimestamp: SecondsAndNanos {
    public static let protoMessageName = "google.protobuf.Timestamp"
    /// Smallest and largest seconds JSON can express (0001-01-01 to 9999-12-31).
    public static let minSeconds: Int64 = -62_135_596_800
    public static let maxSeconds: Int64 = 253_402_300_799

    public var seconds: Int64 = 0
    public var nanos: Int32 = 0
    public var unknownFields = UnknownFields()

    public init() {}

    public func encode(to encoder: any Encoder) throws {
        guard seconds >= Self.minSeconds, seconds <= Self.maxSeconds, nanos >= 0, nanos < 1_000_000_000 else {
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath,
                debugDescription: "Timestamp out of the range RFC 3339 can express"))
        }
        var c = encoder.singleValueContainer()
        try c.encode(RFC3339.format(seconds: seconds, nanos: nanos))
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let (sec, ns) = RFC3339.parse(s), sec >= Self.minSeconds, sec <= Self.maxSeconds else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid RFC 3339 timestamp \"\(s)\"")
        }
        seconds = sec
        nanos = ns
    }
}

/// `google.protobuf.Duration`: signed seconds and nanoseconds of the same
/// sign, in JSON a decimal number of seconds with an "s" suffix ("1.5s").
public struct ProtoDuration: SecondsAndNanos {
    public static let protoMessageName = "google.protobuf.Duration"
    /// About 10,000 years, the range JSON can express.
    public static let maxSeconds: Int64 = 315_576_000_000

    public var seconds: Int64 = 0
    public var nanos: Int32 = 0
    public var unknownFields = UnknownFields()

    public init() {}

    public func encode(to encoder: any Encoder) throws {
        let sameSign = (seconds >= 0 && nanos >= 0) || (seconds <= 0 && nanos <= 0)
        guard abs(seconds) <= Self.maxSeconds, abs(nanos) < 1_000_000_000, sameSign else {
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath,
                debugDescription: "Duration out of range or with mixed signs"))
        }
        var c = encoder.singleValueContainer()
        let negative = seconds < 0 || nanos < 0
        var text = (negative ? "-" : "") + String(abs(seconds))
        text += RFC3339.fraction(abs(nanos))
        try c.encode(text + "s")
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let (sec, ns) = RFC3339.parseDuration(s), abs(sec) <= Self.maxSeconds else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "invalid duration \"\(s)\"")
        }
        seconds = sec
        nanos = ns
    }
}

/// The shared shape of Timestamp and Duration: `int64 seconds = 1; int32 nanos = 2;`.
public protocol SecondsAndNanos: ProtoMessage, Comparable {
    var seconds: Int64 { get set }
    var nanos: Int32 { get set }
}

extension SecondsAndNanos {
    public init(seconds: Int64, nanos: Int32 = 0) {
        self.init()
        self.seconds = seconds
        self.nanos = nanos
    }

    public static func < (a: Self, b: Self) -> Bool { (a.seconds, a.nanos) < (b.seconds, b.nanos) }

    @inlinable
    public mutating func decodeMessage(from reader: inout WireReader) throws(WireError) {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag {
            case 0x08: seconds = try reader.readInt64()
            case 0x10: nanos = try reader.readInt32()
            default:
                switch tag >> 3 {
                case 1, 2: throw reader.wrongWireType(tag)
                default: try reader.skipUnknown(tag, into: &unknownFields)
                }
            }
        }
    }

    @inlinable
    public func encodeMessage(to writer: inout WireWriter) {
        writer.writeUnknown(unknownFields)
        if nanos != 0 {
            writer.writeInt32(nanos)
            writer.writeTag(0x10)
        }
        if seconds != 0 {
            writer.writeInt64(seconds)
            writer.writeTag(0x08)
        }
    }
}
