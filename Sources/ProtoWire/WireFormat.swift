/// The six wire types of the protobuf encoding (3 and 4 are proto2 groups).
public enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// Pure helpers for tags, zigzag and varint sizes.
public enum WireFormat {
    /// Largest field number protobuf allows.
    public static let maxFieldNumber = (1 << 29) - 1

    /// The tag value (field number and wire type) as it is varint-encoded.
    @inlinable public static func tag(_ fieldNumber: Int, _ wireType: WireType) -> UInt32 {
        UInt32(truncatingIfNeeded: fieldNumber) << 3 | UInt32(wireType.rawValue)
    }

    @inlinable public static func zigzag32(_ v: Int32) -> UInt32 {
        UInt32(bitPattern: (v << 1) ^ (v >> 31))
    }
    @inlinable public static func zigzag64(_ v: Int64) -> UInt64 {
        UInt64(bitPattern: (v << 1) ^ (v >> 63))
    }
    @inlinable public static func unzigzag32(_ v: UInt32) -> Int32 {
        Int32(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }
    @inlinable public static func unzigzag64(_ v: UInt64) -> Int64 {
        Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// Bytes a varint of `v` takes (1...10).
    @inlinable public static func varintSize(_ v: UInt64) -> Int {
        let bits = 64 &- (v | 1).leadingZeroBitCount
        return (bits &+ 6) / 7
    }
}
