#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strict UTF-8 checks for string fields: ASCII runs are checked eight bytes
/// at a time; anything else goes through the standard library's validator,
/// which rejects overlong forms, surrogates, values above U+10FFFF and
/// truncated sequences.
public enum UTF8Validation {
    /// True when every byte is below 0x80.
    @inlinable
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard var q = bytes.baseAddress else { return true }
        let end = q + bytes.count
        var acc: UInt64 = 0
        while end - q >= 8 {
            acc |= UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)
            q += 8
        }
        while q < end {
            acc |= UInt64(q.pointee)
            q += 1
        }
        return acc & 0x8080_8080_8080_8080 == 0
    }

    /// A `String` from `bytes`, or `WireError.invalidUTF8` reported at `offset`.
    @inlinable
    public static func makeString(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int) throws(WireError) -> String {
        if bytes.isEmpty { return "" }
        if isASCII(bytes) {
            return String(unsafeUninitializedCapacity: bytes.count) { dst in
                _ = dst.initialize(from: bytes)
                return bytes.count
            }
        }
        // The standard library validates while it copies, replacing what is
        // invalid; a string whose bytes differ from the input was repaired.
        var s = String(decoding: bytes, as: UTF8.self)
        let same = s.withUTF8 { u in
            u.count == bytes.count && memcmp(u.baseAddress!, bytes.baseAddress!, u.count) == 0
        }
        guard same else { throw WireError(.invalidUTF8, offset: offset) }
        return s
    }

    /// True when `bytes` are valid UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { (try? makeString($0, offset: 0)) != nil }
    }
}
