/// Reads protobuf wire format from contiguous memory. A reader is valid only
/// inside the `withUnsafeBytes` scope that created it (see `ProtoMessage`).
///
/// Every read checks the bounds of the innermost message first, so hostile
/// input gets a `WireError`, never a crash, a hang or an allocation larger
/// than the input.
public struct WireReader {
    @usableFromInline var p: UnsafePointer<UInt8>
    @usableFromInline var end: UnsafePointer<UInt8>
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline var tagStart: UnsafePointer<UInt8>
    @usableFromInline var depthRemaining: Int
    /// The limits this reader enforces.
    public let options: DecodeOptions

    @inlinable
    public init(_ buffer: UnsafeRawBufferPointer, options: DecodeOptions = DecodeOptions()) {
        let start = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
            ?? UnsafePointer<UInt8>(bitPattern: 0x10)!
        self.p = start
        self.end = start + buffer.count
        self.base = start
        self.tagStart = start
        self.depthRemaining = options.maxDepth
        self.options = options
    }

    /// True when the current (innermost) message has no more bytes.
    @inlinable @inline(__always) public var isAtEnd: Bool { p >= end }
    /// Offset from the start of the top-level input.
    @inlinable public var offset: Int { p - base }
    @inlinable var remaining: Int { end - p }

    @inlinable
    func fail(_ code: WireError.Code, field: Int? = nil) -> WireError {
        WireError(code, offset: p - base, fieldNumber: field)
    }

    // MARK: Tags

    /// Reads the next tag and validates field number and wire type. Groups and
    /// wire types 6/7 are errors. Call only when `!isAtEnd`.
    @inlinable @inline(__always)
    public mutating func readTag() throws(WireError) -> UInt32 {
        tagStart = p
        let b = p.pointee
        let tag: UInt32
        if b < 0x80 {
            p += 1
            tag = UInt32(b)
        } else {
            let v = try readVarint()
            guard v <= UInt64(UInt32.max) else { throw WireError(.invalidFieldNumber, offset: tagStart - base) }
            tag = UInt32(truncatingIfNeeded: v)
        }
        let wt = tag & 7
        if tag < 8 { throw WireError(.invalidFieldNumber, offset: tagStart - base) }
        if wt > 2 && wt != 5 {
            let code: WireError.Code = (wt == 3 || wt == 4) ? .groupsNotSupported : .invalidWireType
            throw WireError(code, offset: tagStart - base, fieldNumber: Int(tag >> 3))
        }
        return tag
    }

    /// The error for a known field that arrived with a wire type it cannot have.
    @inlinable
    public func wrongWireType(_ tag: UInt32) -> WireError {
        WireError(.wrongWireType, offset: tagStart - base, fieldNumber: Int(tag >> 3))
    }

    // MARK: Scalars

    @inlinable @inline(__always)
    public mutating func readVarint() throws(WireError) -> UInt64 {
        if end - p >= 2 {
            let b0 = p.pointee
            if b0 < 0x80 {
                p += 1
                return UInt64(b0)
            }
            let b1 = p[1]
            if b1 < 0x80 {
                p += 2
                return UInt64(b0 & 0x7F) | UInt64(b1) << 7
            }
        } else if p < end, p.pointee < 0x80 {
            let v = UInt64(p.pointee)
            p += 1
            return v
        }
        return try readVarintSlow()
    }

    @usableFromInline
    mutating func readVarintSlow() throws(WireError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var q = p
        while true {
            guard q < end else { throw fail(.truncated) }
            let b = q.pointee
            q += 1
            if shift == 63 {
                // The 10th byte may only carry the top bit.
                guard b <= 1 else { throw fail(.malformedVarint) }
                result |= UInt64(b) << 63
                break
            }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        p = q
        return result
    }

    @inlinable @inline(__always) public mutating func readInt32() throws(WireError) -> Int32 { Int32(truncatingIfNeeded: try readVarint()) }
    @inlinable @inline(__always) public mutating func readInt64() throws(WireError) -> Int64 { Int64(bitPattern: try readVarint()) }
    @inlinable public mutating func readUInt32() throws(WireError) -> UInt32 { UInt32(truncatingIfNeeded: try readVarint()) }
    @inlinable public mutating func readUInt64() throws(WireError) -> UInt64 { try readVarint() }
    @inlinable public mutating func readSInt32() throws(WireError) -> Int32 {
        WireFormat.unzigzag32(UInt32(truncatingIfNeeded: try readVarint()))
    }
    @inlinable public mutating func readSInt64() throws(WireError) -> Int64 { WireFormat.unzigzag64(try readVarint()) }
    @inlinable @inline(__always) public mutating func readBool() throws(WireError) -> Bool { try readVarint() != 0 }
    @inlinable @inline(__always) public mutating func readEnum() throws(WireError) -> Int32 { Int32(truncatingIfNeeded: try readVarint()) }

    @inlinable
    public mutating func readFixed32() throws(WireError) -> UInt32 {
        guard remaining >= 4 else { throw fail(.truncated) }
        let v = UnsafeRawPointer(p).loadUnaligned(as: UInt32.self)
        p += 4
        return UInt32(littleEndian: v)
    }

    @inlinable
    public mutating func readFixed64() throws(WireError) -> UInt64 {
        guard remaining >= 8 else { throw fail(.truncated) }
        let v = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        p += 8
        return UInt64(littleEndian: v)
    }

    @inlinable public mutating func readSFixed32() throws(WireError) -> Int32 { Int32(bitPattern: try readFixed32()) }
    @inlinable public mutating func readSFixed64() throws(WireError) -> Int64 { Int64(bitPattern: try readFixed64()) }
    @inlinable public mutating func readFloat() throws(WireError) -> Float { Float(bitPattern: try readFixed32()) }
    @inlinable public mutating func readDouble() throws(WireError) -> Double { Double(bitPattern: try readFixed64()) }

    // MARK: Length-delimited

    /// Reads a length prefix and checks it fits in the current message.
    @inlinable @inline(__always)
    public mutating func readLength() throws(WireError) -> Int {
        let v = try readVarint()
        guard v <= UInt64(remaining) else { throw fail(.lengthExceedsInput) }
        return Int(truncatingIfNeeded: v)
    }

    @inlinable @inline(__always)
    public mutating func readString() throws(WireError) -> String {
        let n = try readLength()
        let s = try UTF8Validation.makeString(UnsafeBufferPointer(start: p, count: n), offset: p - base)
        p += n
        return s
    }

    @inlinable @inline(__always)
    public mutating func readBytes() throws(WireError) -> [UInt8] {
        let n = try readLength()
        let a = [UInt8](UnsafeBufferPointer(start: p, count: n))
        p += n
        return a
    }

    /// Enters a length-delimited nested message; returns what `leaveNested` needs.
    /// Fails when the nesting would exceed `DecodeOptions.maxDepth`.
    @inlinable @inline(__always)
    public mutating func enterNested() throws(WireError) -> UnsafePointer<UInt8> {
        let n = try readLength()
        guard depthRemaining > 0 else { throw fail(.depthLimitExceeded) }
        depthRemaining -= 1
        let saved = end
        end = p + n
        return saved
    }

    /// Leaves a nested message entered with `enterNested`.
    @inlinable @inline(__always)
    public mutating func leaveNested(_ saved: UnsafePointer<UInt8>) {
        depthRemaining += 1
        end = saved
    }

    /// Enters a packed run; returns what `leavePacked` needs. Elements are read
    /// with the scalar readers while `!isAtEnd`.
    @inlinable
    public mutating func enterPacked() throws(WireError) -> UnsafePointer<UInt8> {
        let n = try readLength()
        let saved = end
        end = p + n
        return saved
    }

    @inlinable
    public mutating func leavePacked(_ saved: UnsafePointer<UInt8>) { end = saved }

    /// Bytes left in the current packed run or message (for capacity hints).
    @inlinable public var bytesRemaining: Int { remaining }

    /// Checks a packed fixed-width run's length is a multiple of `width`.
    @inlinable
    public func checkPackedWidth(_ width: Int, tag: UInt32) throws(WireError) {
        guard remaining % width == 0 else { throw fail(.malformedPackedField, field: Int(tag >> 3)) }
    }

    // MARK: Unknown fields

    /// Skips the value of the field whose tag was just read.
    @inlinable
    public mutating func skipValue(_ tag: UInt32) throws(WireError) {
        switch tag & 7 {
        case 0: _ = try readVarint()
        case 1:
            guard remaining >= 8 else { throw fail(.truncated) }
            p += 8
        case 2: p += try readLength()
        case 5:
            guard remaining >= 4 else { throw fail(.truncated) }
            p += 4
        default: throw fail(.invalidWireType, field: Int(tag >> 3))
        }
    }

    /// Skips the field whose tag was just read, keeping its bytes (tag included)
    /// in `unknown` unless the options discard unknown fields.
    @inlinable
    public mutating func skipUnknown(_ tag: UInt32, into unknown: inout UnknownFields) throws(WireError) {
        try skipValue(tag)
        if !options.discardUnknownFields {
            unknown.append(UnsafeBufferPointer(start: tagStart, count: p - tagStart))
        }
    }
}
