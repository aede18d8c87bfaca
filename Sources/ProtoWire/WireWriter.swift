/// Writes protobuf wire format back to front: a message writes its last field
/// first, so the length of a nested message is known as soon as its bytes
/// are written and no size pass is ever needed (nested sizes are never
/// recomputed at each level). Generated encoders therefore emit fields in
/// descending field-number order and repeated elements in reverse.
public struct WireWriter: ~Copyable {
    @usableFromInline var buffer: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    /// Bytes occupy `buffer[position ..< capacity]`.
    @usableFromInline var position: Int

    @inlinable
    public init(capacity: Int = 256) {
        let c = max(capacity, 16)
        buffer = .allocate(capacity: c)
        self.capacity = c
        position = c
    }

    deinit { buffer.deallocate() }

    /// Bytes written so far. Take it before writing a nested message and pass it
    /// to `writeLength(since:)` afterwards.
    @inlinable public var count: Int { capacity &- position }

    /// The bytes written, front to back.
    @inlinable
    public consuming func finish() -> [UInt8] {
        [UInt8](UnsafeBufferPointer(start: buffer + position, count: capacity &- position))
    }

    /// Calls `body` with the bytes written so far.
    @inlinable
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: buffer + position, count: capacity &- position))
    }

    @inlinable
    mutating func reserve(_ n: Int) {
        if _slowPath(position < n) { grow(n) }
    }

    @usableFromInline
    mutating func grow(_ n: Int) {
        let used = capacity - position
        var newCapacity = capacity * 2
        while newCapacity - used < n { newCapacity *= 2 }
        let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        (newBuffer + (newCapacity - used)).update(from: buffer + position, count: used)
        buffer.deallocate()
        buffer = newBuffer
        position = newCapacity - used
        capacity = newCapacity
    }

    // MARK: Scalars (each call puts its bytes in front of what is written)

    @inlinable
    public mutating func writeVarint(_ v: UInt64) {
        if v < 0x80 {
            reserve(1)
            position &-= 1
            buffer[position] = UInt8(truncatingIfNeeded: v)
            return
        }
        let n = WireFormat.varintSize(v)
        reserve(n)
        position &-= n
        var q = buffer + position
        var v = v
        while v >= 0x80 {
            q.pointee = UInt8(truncatingIfNeeded: v) | 0x80
            q += 1
            v >>= 7
        }
        q.pointee = UInt8(truncatingIfNeeded: v)
    }

    @inlinable public mutating func writeTag(_ tag: UInt32) { writeVarint(UInt64(tag)) }
    @inlinable public mutating func writeInt32(_ v: Int32) { writeVarint(UInt64(bitPattern: Int64(v))) }
    @inlinable public mutating func writeInt64(_ v: Int64) { writeVarint(UInt64(bitPattern: v)) }
    @inlinable public mutating func writeUInt32(_ v: UInt32) { writeVarint(UInt64(v)) }
    @inlinable public mutating func writeUInt64(_ v: UInt64) { writeVarint(v) }
    @inlinable public mutating func writeSInt32(_ v: Int32) { writeVarint(UInt64(WireFormat.zigzag32(v))) }
    @inlinable public mutating func writeSInt64(_ v: Int64) { writeVarint(WireFormat.zigzag64(v)) }
    @inlinable public mutating func writeBool(_ v: Bool) { writeVarint(v ? 1 : 0) }
    @inlinable public mutating func writeEnum(_ v: Int32) { writeVarint(UInt64(bitPattern: Int64(v))) }

    @inlinable
    public mutating func writeFixed32(_ v: UInt32) {
        reserve(4)
        position &-= 4
        UnsafeMutableRawPointer(buffer + position).storeBytes(of: v.littleEndian, as: UInt32.self)
    }

    @inlinable
    public mutating func writeFixed64(_ v: UInt64) {
        reserve(8)
        position &-= 8
        UnsafeMutableRawPointer(buffer + position).storeBytes(of: v.littleEndian, as: UInt64.self)
    }

    @inlinable public mutating func writeSFixed32(_ v: Int32) { writeFixed32(UInt32(bitPattern: v)) }
    @inlinable public mutating func writeSFixed64(_ v: Int64) { writeFixed64(UInt64(bitPattern: v)) }
    @inlinable public mutating func writeFloat(_ v: Float) { writeFixed32(v.bitPattern) }
    @inlinable public mutating func writeDouble(_ v: Double) { writeFixed64(v.bitPattern) }

    // MARK: Length-delimited

    @inlinable
    public mutating func writeRaw(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0 else { return }
        reserve(n)
        position &-= n
        (buffer + position).update(from: bytes.baseAddress!, count: n)
    }

    /// The string's UTF-8 bytes preceded by their length.
    @inlinable
    public mutating func writeString(_ s: String) {
        var s = s
        let n = s.withUTF8 { u in
            writeRaw(u)
            return u.count
        }
        writeVarint(UInt64(n))
    }

    /// The bytes preceded by their length.
    @inlinable
    public mutating func writeBytes(_ b: [UInt8]) {
        b.withUnsafeBufferPointer { writeRaw($0) }
        writeVarint(UInt64(b.count))
    }

    /// Writes the length of everything written since `mark` (a former `count`).
    @inlinable
    public mutating func writeLength(since mark: Int) {
        writeVarint(UInt64(count &- mark))
    }

    /// Unknown fields go last on the wire, so an encoder writes them first.
    @inlinable
    public mutating func writeUnknown(_ unknown: UnknownFields) {
        if !unknown.data.isEmpty { unknown.data.withUnsafeBufferPointer { writeRaw($0) } }
    }
}
