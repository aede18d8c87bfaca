/// Strict UTF-8 checks for string fields: ASCII runs are checked eight bytes
/// at a time; anything else goes through the standard library's validator,
/// which rejects overlong forms, surrogates and truncated sequences.
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
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw WireError(.invalidUTF8, offset: offset)
        }
        return s
    }

    /// True when `bytes` are valid UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isASCII($0) || String(validating: $0, as: UTF8.self) != nil }
    }
}
